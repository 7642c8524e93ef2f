/**
 * The `kms-guard` CLI, driven through `runCli` with injected I/O (no process spawning), plus one end-to-end run of the
 * compiled entry point over examples/scenarios.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { formatFinding, runCli } from '../../src/cli/main';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const allowed = {
  name: 'an application role decrypts through IAM delegation',
  key: {
    arn: KEY_ARN,
    policy: { Version: '2012-10-17', Statement: [{ Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] },
  },
  caller: {
    arn: 'arn:aws:sts::111122223333:assumed-role/orders-app/i-0abc',
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN }] }],
  },
  request: { action: 'kms:Decrypt' },
};
const explicitlyDenied = {
  ...allowed,
  name: 'a Deny in the key policy wins',
  key: {
    arn: KEY_ARN,
    policy: {
      Version: '2012-10-17',
      Statement: [
        ...allowed.key.policy.Statement,
        { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
      ],
    },
  },
};
const unnamedImplicitDeny = { ...allowed, name: undefined, caller: { arn: 'arn:aws:iam::111122223333:user/alice' } };
/** Invalid: an unknown condition operator in the key policy. */
const invalid = {
  ...allowed,
  name: 'a misspelled operator',
  key: {
    arn: KEY_ARN,
    policy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Typo', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*', Condition: { StringEqualz: { 'kms:CallerAccount': '111122223333' } } }],
    },
  },
};

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
  readonly read: string[];
}

/** Runs the CLI over an in-memory file system; a file whose content is an Error cannot be read. */
function run(args: string[], files: Record<string, string | Error> = {}): Run {
  const out: string[] = [];
  const err: string[] = [];
  const read: string[] = [];
  const code = runCli(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readFile: (path) => {
      read.push(path);
      const content = files[path];
      if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      if (content instanceof Error) throw content;
      return content;
    },
  });
  return { code, out, err, read };
}

const json = (x: unknown): string => JSON.stringify(x, null, 2);
const parseLines = (lines: string[]): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l));

describe('runCli evaluate', () => {
  test('GIVEN one file with one scenario WHEN evaluated THEN prints one JSON line with decision and explanation and exits 0', () => {
    const r = run(['evaluate', 'one.json'], { 'one.json': json(allowed) });
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).not.toContain('\n');
    const [line] = parseLines(r.out);
    expect(line).toMatchObject({ name: allowed.name, decision: 'allow', errors: [] });
    expect(line.explanation).toEqual(expect.stringContaining('EnableIAMPolicies'));
    expect(line.checks).toEqual([expect.objectContaining({ action: 'kms:Decrypt', resource: KEY_ARN, decision: 'allow' })]);
  });

  test('GIVEN a file holding an array THEN prints one line per scenario, in order', () => {
    const r = run(['evaluate', 'many.json'], { 'many.json': json([allowed, explicitlyDenied, unnamedImplicitDeny]) });
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    const lines = parseLines(r.out);
    expect(lines.map((l) => [l.name, l.decision])).toEqual([
      [allowed.name, 'allow'],
      [explicitlyDenied.name, 'explicit-deny'],
      [undefined, 'implicit-deny'],
    ]);
    expect(lines[1].explanation).toEqual(expect.stringContaining('NoDecrypt'));
    for (const l of lines) expect(typeof l.explanation).toBe('string');
  });

  test('GIVEN several files THEN reads them in the order given and prints their results in that order', () => {
    const r = run(['evaluate', 'b.json', 'a.json'], { 'a.json': json([allowed, explicitlyDenied]), 'b.json': json(unnamedImplicitDeny) });
    expect(r.code).toBe(0);
    expect(r.read).toEqual(['b.json', 'a.json']);
    expect(parseLines(r.out).map((l) => l.decision)).toEqual(['implicit-deny', 'allow', 'explicit-deny']);
  });

  test('GIVEN an empty array THEN prints nothing and exits 0', () => {
    const r = run(['evaluate', 'empty.json'], { 'empty.json': '[]' });
    expect(r).toMatchObject({ code: 0, out: [], err: [] });
  });

  test('a decision is not an error: denies exit 0 too', () => {
    const r = run(['evaluate', 'denies.json'], { 'denies.json': json([explicitlyDenied, unnamedImplicitDeny]) });
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
  });

  describe('invalid input exits 2', () => {
    test('GIVEN an invalid scenario in an array THEN its line is still printed (implicit-deny with errors) and stderr names file[index], code, policy, statement and field', () => {
      const r = run(['evaluate', 'mixed.json'], { 'mixed.json': json([allowed, invalid, explicitlyDenied]) });
      expect(r.code).toBe(2);
      const lines = parseLines(r.out);
      expect(lines.map((l) => l.decision)).toEqual(['allow', 'implicit-deny', 'explicit-deny']);
      expect(lines[1].errors).toEqual([expect.objectContaining({ code: 'unknown-condition-operator', policy: 'key policy', statement: 'Sid "Typo"' })]);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/^kms-guard: mixed\.json\[1\]: error unknown-condition-operator: /);
      expect(r.err[0]).toContain('(key policy, Sid "Typo", Condition.StringEqualz)');
    });

    test('GIVEN an invalid single-scenario file THEN stderr names the file without an index', () => {
      const r = run(['evaluate', 'bad.json'], { 'bad.json': json({ ...allowed, caller: { arn: 42 } }) });
      expect(r.code).toBe(2);
      expect(parseLines(r.out)).toEqual([expect.objectContaining({ decision: 'implicit-deny', errors: [expect.objectContaining({ code: 'missing-field', field: 'caller.arn' })] })]);
      expect(r.err).toEqual([expect.stringMatching(/^kms-guard: bad\.json: error missing-field: .*\(caller\.arn\)$/)]);
    });

    test('GIVEN a scenario with several errors THEN each error gets its own stderr line', () => {
      const r = run(['evaluate', 'two.json'], { 'two.json': json({ ...allowed, bogus: 1, request: { action: 'kms:Decryptt' } }) });
      expect(r.code).toBe(2);
      expect(r.out).toHaveLength(1);
      expect(r.err).toEqual([
        expect.stringMatching(/^kms-guard: two\.json: error invalid-field: .*\(bogus\)$/),
        expect.stringMatching(/^kms-guard: two\.json: error unknown-action: .*\(request\.action\)$/),
      ]);
    });

    test('GIVEN an array element that is not an object THEN it gets an implicit-deny line and an error', () => {
      const r = run(['evaluate', 'odd.json'], { 'odd.json': json([allowed, 42]) });
      expect(r.code).toBe(2);
      expect(parseLines(r.out).map((l) => l.decision)).toEqual(['allow', 'implicit-deny']);
      // The first error says the scenario is not an object (the evaluator then also reports the request as missing).
      expect(r.err[0]).toMatch(/^kms-guard: odd\.json\[1\]: error invalid-field: a scenario must be a JSON object/);
      expect(r.err.every((l) => l.startsWith('kms-guard: odd.json[1]: error '))).toBe(true);
    });

    test.each([
      ['is not JSON', '{ "key": '],
      ['is empty', ''],
      ['holds JSON with a trailing comma', '{ "a": 1, }'],
    ])('GIVEN a file that %s THEN stderr names the file, nothing is printed for it, and the other files are still evaluated', (_, content) => {
      const r = run(['evaluate', 'first.json', 'broken.json', 'last.json'], { 'first.json': json(allowed), 'broken.json': content, 'last.json': json(explicitlyDenied) });
      expect(r.code).toBe(2);
      expect(parseLines(r.out).map((l) => l.decision)).toEqual(['allow', 'explicit-deny']);
      expect(r.err).toEqual([expect.stringMatching(/^kms-guard: broken\.json: cannot read a JSON scenario: /)]);
    });

    test('GIVEN a file that cannot be read THEN stderr names the file and the reason, and exits 2', () => {
      const r = run(['evaluate', 'missing.json', 'secret.json'], { 'secret.json': new Error('EACCES: permission denied') });
      expect(r.code).toBe(2);
      expect(r.out).toEqual([]);
      expect(r.err).toEqual([
        expect.stringMatching(/^kms-guard: missing\.json: cannot read a JSON scenario: ENOENT/),
        expect.stringMatching(/^kms-guard: secret\.json: cannot read a JSON scenario: EACCES: permission denied$/),
      ]);
    });
  });

  describe('duplicate JSON keys (issue 10: JSON.parse keeps the last value without a word)', () => {
    // The key policy of `explicitlyDenied`, with its Deny statement's Effect written twice: Deny, then Allow.
    const denyThenAllow = json(explicitlyDenied).replace('"Effect": "Deny"', '"Effect": "Deny", "Effect": "Allow"');

    test('GIVEN "Effect": "Deny", "Effect": "Allow" in a statement THEN the scenario is not evaluated: implicit-deny, error duplicate-json-key with the JSON path, exit 2', () => {
      // Parsed, the statement is an Allow: evaluated as it reads, the Deny would be gone.
      expect(JSON.parse(denyThenAllow).key.policy.Statement[1].Effect).toBe('Allow');
      const r = run(['evaluate', 'dup.json'], { 'dup.json': denyThenAllow });
      expect(r.code).toBe(2);
      const [line] = parseLines(r.out);
      expect(line).toMatchObject({ name: explicitlyDenied.name, decision: 'implicit-deny', checks: [] });
      expect(line.errors).toEqual([expect.objectContaining({ code: 'duplicate-json-key', severity: 'error', field: '$.key.policy.Statement[1]' })]);
      expect(line.explanation).toContain('names the key "Effect" twice');
      expect(r.err).toEqual([expect.stringMatching(/^kms-guard: dup\.json: error duplicate-json-key: .*"Effect" twice.*\(\$\.key\.policy\.Statement\[1\]\)$/)]);
    });

    test('GIVEN a duplicate in the second scenario of an array THEN only that scenario is refused, and stderr names file[index] and the path', () => {
      const text = json([allowed, explicitlyDenied]).replace('"Effect": "Deny"', '"Effect": "Deny", "Effect": "Allow"');
      const r = run(['evaluate', 'many.json'], { 'many.json': text });
      expect(r.code).toBe(2);
      expect(parseLines(r.out).map((l) => l.decision)).toEqual(['allow', 'implicit-deny']);
      expect(r.err).toEqual([expect.stringMatching(/^kms-guard: many\.json\[1\]: error duplicate-json-key: .*\(\$\[1\]\.key\.policy\.Statement\[1\]\)$/)]);
    });

    test('GIVEN a key written once plainly and once with an escape THEN it is the same key', () => {
      const text = json(allowed).replace('"action": "kms:Decrypt"', '"action": "kms:Decrypt", "\\u0061ction": "kms:Encrypt"');
      expect(JSON.parse(text).request.action).toBe('kms:Encrypt');
      const r = run(['evaluate', 'esc.json'], { 'esc.json': text });
      expect(r.code).toBe(2);
      expect(parseLines(r.out)[0].errors).toEqual([expect.objectContaining({ code: 'duplicate-json-key', field: '$.request' })]);
    });

    test('GIVEN the same key in different objects, in strings, or as a value THEN nothing is reported', () => {
      const scenario = {
        ...allowed,
        name: 'keys "Effect": "Allow", "Effect": in a string are text',
        caller: { ...allowed.caller, tags: { Effect: 'Effect' } },
      };
      const r = run(['evaluate', 'ok.json'], { 'ok.json': json([scenario, scenario]) });
      expect(r.code).toBe(0);
      expect(r.err).toEqual([]);
    });

    test('GIVEN a duplicate and another error in one scenario THEN both are reported, the duplicate first', () => {
      const text = json({ ...explicitlyDenied, request: { action: 'kms:Decryptt' } }).replace('"Effect": "Deny"', '"Effect": "Deny", "Effect": "Allow"');
      const r = run(['evaluate', 'two.json'], { 'two.json': text });
      expect(r.code).toBe(2);
      expect(parseLines(r.out)[0].errors).toEqual([
        expect.objectContaining({ code: 'duplicate-json-key' }),
        expect.objectContaining({ code: 'unknown-action' }),
      ]);
      expect(r.err).toHaveLength(2);
    });
  });

  describe('usage', () => {
    test.each([
      ['no arguments', []],
      ['an unknown command', ['decide', 'one.json']],
      ['evaluate without files', ['evaluate']],
      ['a file but no command', ['one.json']],
    ])('GIVEN %s THEN prints the usage on stderr, nothing on stdout, reads nothing, and exits 1', (_, args) => {
      const r = run(args as string[], { 'one.json': json(allowed) });
      expect(r.code).toBe(1);
      expect(r.out).toEqual([]);
      expect(r.read).toEqual([]);
      expect(r.err.join('\n')).toContain('usage: kms-guard evaluate FILE...');
    });

    test('an unknown command is named in the message', () => {
      expect(run(['decide', 'one.json']).err.join('\n')).toContain('decide one.json');
    });

    test.each([['--help'], ['-h'], ['help']])('%s prints the usage on stdout and exits 0', (flag) => {
      const r = run([flag]);
      expect(r.code).toBe(0);
      expect(r.err).toEqual([]);
      expect(r.out.join('\n')).toContain('usage: kms-guard evaluate FILE...');
    });
  });
});

describe('kms-guard end to end', () => {
  const root = join(__dirname, '..', '..');
  const entry = join(root, 'lib', 'cli', 'main.js');
  const examplesDir = join(root, 'examples', 'scenarios');
  const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort().map((f) => join('examples', 'scenarios', f));
  // CI compiles (jsii) before testing; locally, run `npx projen compile` first.
  const testCompiled = existsSync(entry) ? test : test.skip;
  if (!existsSync(entry)) {
    console.warn(`skipping the end-to-end CLI test: ${entry} does not exist; run \`npx projen compile\` first`);
  }

  test('examples/scenarios holds 2 files with 1 + 3 scenarios', () => {
    const counts = examples.map((f) => {
      const parsed = JSON.parse(readFileSync(join(root, f), 'utf-8'));
      return Array.isArray(parsed) ? parsed.length : 1;
    });
    expect(counts.sort()).toEqual([1, 3]);
  });

  testCompiled('node lib/cli/main.js evaluate examples/scenarios/*.json exits 0 with 4 JSON lines', () => {
    const p = spawnSync(process.execPath, [entry, 'evaluate', ...examples], { cwd: root, encoding: 'utf-8', timeout: 20_000 });
    expect({ status: p.status, stderr: p.stderr }).toEqual({ status: 0, stderr: '' });
    const lines = p.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(4);
    expect(p.stdout.endsWith('\n')).toBe(true);
    for (const line of lines) {
      const result = JSON.parse(line);
      expect(['allow', 'explicit-deny', 'implicit-deny']).toContain(result.decision);
      expect(typeof result.explanation).toBe('string');
      expect(result.errors).toEqual([]);
    }
  });
});

describe('runCli readiness', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const DEPLOYER = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}';
  const manage = ['kms:DescribeKey', 'kms:PutKeyPolicy', 'kms:GetKeyPolicy', 'kms:TagResource', 'kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion'];
  /** A cloud assembly with one stack holding one key whose policy names `principals` with `manage`. */
  function assembly(principals: string[], withRole = true, effect = 'Allow'): string {
    const dir = mkdtempSync(join(tmpdir(), 'kms-guard-cli-readiness-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
      version: '54.0.0',
      artifacts: {
        KeyStack: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://111122223333/us-east-1',
          properties: { templateFile: 'KeyStack.template.json', ...(withRole ? { cloudFormationExecutionRoleArn: DEPLOYER } : {}) },
          metadata: { '/KeyStack/Key/Resource': [{ type: 'aws:cdk:logicalId', data: 'Key1234' }] },
        },
      },
    }));
    writeFileSync(join(dir, 'KeyStack.template.json'), JSON.stringify({
      Resources: {
        Key1234: {
          Type: 'AWS::KMS::Key',
          Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'Manage', Effect: effect, Principal: { AWS: principals }, Action: manage, Resource: '*' }] } },
        },
      },
    }));
    return dir;
  }
  const ADMIN = 'arn:aws:iam::111122223333:role/key-admin';
  const EXEC = 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1';

  test('GIVEN a key policy that locks out the deploying role (customer-managed-policies.md) THEN one ERROR line, the count, and exit 1', () => {
    const r = run(['readiness', assembly([ADMIN])]);
    expect(r.code).toBe(1);
    expect(r.out).toHaveLength(2);
    expect(r.out[0]).toMatch(/^ERROR KeyStack\/Key\/Resource \[lockout\] the key policy of KeyStack\/Key\/Resource does not allow the role that deploys stack KeyStack, `arn:aws:iam::111122223333:role\/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1`/);
    expect(r.out[1]).toBe('1 error, 0 warnings');
    expect(r.err).toEqual([]);
  });

  test('GIVEN a key policy whose statement says "allow" in lower case (key-policy-overview.md: Effect is Allow or Deny) THEN a [key-policy-malformed] ERROR, and exit 1', () => {
    const r = run(['readiness', assembly([ADMIN, EXEC], true, 'allow')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ERROR KeyStack/Key/Resource [key-policy-malformed] Sid "Manage" of the key policy of KeyStack/Key/Resource is malformed: '
      + 'Effect is "allow": expected exactly "Allow" or "Deny" (case-sensitive). KMS rejects a malformed key policy (MalformedPolicyDocumentException), '
      + 'so CreateKey or PutKeyPolicy fails and the stack does not deploy (key-policy-overview.md: Effect, Principal, Action and Resource are required, '
      + 'Effect is "Allow" or "Deny"). Expected: a key policy in the policy grammar; fix it as the problem says.');
  });

  test('GIVEN a key policy naming the deploying role THEN only the count, and exit 0', () => {
    const r = run(['readiness', assembly([ADMIN, EXEC])]);
    expect(r).toMatchObject({ code: 0, out: ['0 errors, 0 warnings'], err: [] });
  });

  test('GIVEN only warnings (no deploying role in the manifest: the CLI\'s credentials) THEN WARN lines and exit 0', () => {
    const r = run(['readiness', assembly([ADMIN], false)]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([expect.stringMatching(/^WARN KeyStack\/Key\/Resource \[lockout\] the deployer of stack KeyStack is unknown/), '0 errors, 1 warning']);
  });

  test('GIVEN a directory without a cloud assembly THEN stderr names it and exit 2', () => {
    const r = run(['readiness', join(tmpdir(), 'kms-guard-no-such-assembly')]);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([expect.stringMatching(/^kms-guard: .*kms-guard-no-such-assembly: cannot read a cloud assembly: cannot read .*manifest\.json/)]);
  });

  test.each([[['readiness']], [['readiness', 'a', 'b']]])('GIVEN %j THEN the usage and exit 1', (args) => {
    const r = run(args);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain('kms-guard readiness CDK_OUT_DIR');
  });

  test('--help lists readiness', () => {
    expect(run(['--help']).out.join('\n')).toContain('kms-guard readiness CDK_OUT_DIR');
  });

  test('formatFinding: the construct path without its stack name, or the logical id; WARN for warnings', () => {
    const base = { check: 'lockout', stackName: 'Prod-Keys', logicalId: 'Key1', message: 'm' };
    expect(formatFinding({ ...base, severity: 'error', constructPath: 'Prod-Keys/Data/Key/Resource' })).toBe('ERROR Prod-Keys/Data/Key/Resource [lockout] m');
    expect(formatFinding({ ...base, severity: 'warning', constructPath: 'Prod/Keys/Key/Resource' })).toBe('WARN Prod-Keys/Prod/Keys/Key/Resource [lockout] m');
    expect(formatFinding({ ...base, severity: 'warning' })).toBe('WARN Prod-Keys/Key1 [lockout] m');
  });
});
