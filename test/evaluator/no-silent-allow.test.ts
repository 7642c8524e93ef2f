/**
 * Issue 10, "no silent allow": the warnings and errors the scenario corpus cannot pin (it checks decisions and error
 * codes only), and the decisions around them. Each choice is in docs/kms-authorization.md; the corpus cases are in
 * test/scenarios/no-silent-allow.json.
 */
import { nearestConditionKey, isKnownConditionKey } from '../../src/evaluator/conditions/condition-keys';
import { checkKeyPolicy } from '../../src/evaluator/input-checks';
import { EvaluationResult, KmsAccessEvaluator } from '../../src/evaluator/kms-access-evaluator';
import { describeCharacter, echoUpTo, firstBadCharacter, withoutInvisibleCharacters } from '../../src/policy/characters';
import { IssueCollector } from '../../src/policy/issues';
import { KEY_POLICY_MAX_BYTES } from '../../src/policy/limits';

const ACCOUNT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const ROOT_STATEMENT = { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const policy = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

/** Alice decrypts; her identity policy holds `statements` after an allow of kms:Decrypt on the key. */
function withIdentityStatements(...statements: unknown[]): EvaluationResult {
  return KmsAccessEvaluator.evaluate({
    key: { arn: KEY, policy: policy(ROOT_STATEMENT) },
    caller: { arn: ALICE, identityPolicies: [policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }, ...statements)] },
    request: { action: 'kms:Decrypt' },
  });
}

const codes = (r: EvaluationResult, severity: 'errors' | 'warnings' = 'warnings'): string[] => r[severity].map((i) => i.code);

describe('unknown condition keys: a warning with the nearest known key, never a change of decision', () => {
  test.each([
    ['aws:SourceVpcee', 'aws:SourceVpce'],
    ['aws:Source\u200bVpce', 'aws:SourceVpce'],
    ['aws:sourcevpcee', 'aws:SourceVpce'],
    ['aws:PrincipalOrgId ', 'aws:PrincipalOrgID'],
    ['kms:CallerAcount', 'kms:CallerAccount'],
    ['kms:EncryptionContex:app', 'kms:EncryptionContext:app'],
    ['aws:PrincipalTg/team', 'aws:PrincipalTag/team'],
  ])('%j: did you mean %s?', (key, nearest) => {
    const r = withIdentityStatements({ Sid: 'DenyOutside', Effect: 'Deny', Action: 'kms:Decrypt', Resource: KEY, Condition: { StringNotEquals: { [key]: 'x' } } });
    // The key is absent from every request, so the negated operator is true and the Deny applies: as in AWS.
    expect(r.decision).toBe('explicit-deny');
    expect(r.errors).toEqual([]);
    const warning = r.warnings.find((w) => w.code === 'unknown-condition-key');
    expect(warning).toMatchObject({ severity: 'warning', policy: 'identity policy #0', statement: 'Sid "DenyOutside"', field: `Condition.StringNotEquals.${key}` });
    expect(warning!.message).toContain(`did you mean \`${nearest}\`?`);
  });

  test('a key nothing is close to gets no suggestion, but the pages to check', () => {
    const r = withIdentityStatements({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: KEY, Condition: { Bool: { 'kms:SomethingNew': 'true' } } });
    expect(r.warnings.find((w) => w.code === 'unknown-condition-key')!.message).toContain('conditions-kms.md');
  });

  test('keys of other services draw no warning in identity policies, which may cover several services', () => {
    const r = withIdentityStatements({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringLike: { 's3:prefix': 'home/' } } });
    expect(r.warnings).toEqual([]);
    expect(r.decision).toBe('allow');
  });

  test('keys of other services do draw a warning in a key policy, which sees only KMS requests', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT, { Sid: 'OddKey', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 's3:prefix': 'x' } } }) },
      caller: { arn: ALICE },
      request: { action: 'kms:Decrypt' },
    });
    expect(codes(r)).toContain('unknown-condition-key');
    expect(r.decision).toBe('implicit-deny');
  });

  test('known keys, families and global keys set through request.context draw no warning', () => {
    const r = withIdentityStatements({
      Effect: 'Deny',
      Action: 'kms:Decrypt',
      Resource: KEY,
      Condition: {
        'StringEquals': { 'aws:PrincipalTag/team': 'x', 'kms:EncryptionContext:anything': 'y', 'aws:UserAgent': 'z', 'aws:SourceVpce': 'vpce-1' },
        'Bool': { 'aws:MultiFactorAuthPresent': 'false' },
        'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'k' },
      },
    });
    expect(r.warnings.filter((w) => w.code === 'unknown-condition-key')).toEqual([]);
  });

  test('an invisible character in the member name of a known family is a warning too', () => {
    const r = withIdentityStatements({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: KEY, Condition: { StringEquals: { 'kms:EncryptionContext:app\u200b': 'x' } } });
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'invisible-character', message: expect.stringContaining('U+200B (zero-width space)') })]);
  });

  test('the same unknown key warns in every policy that holds it (warned conditions are never shared from the cache)', () => {
    const deny = { Effect: 'Deny', Action: 'kms:Decrypt', Resource: KEY, Condition: { StringNotEquals: { 'aws:SourceVpcee': 'vpce-1' } } };
    for (let i = 0; i < 3; i++) expect(codes(withIdentityStatements(deny))).toEqual(['unknown-condition-key']);
  });

  test('nearestConditionKey and isKnownConditionKey', () => {
    expect(isKnownConditionKey('KMS:CALLERACCOUNT')).toBe(true);
    expect(isKnownConditionKey('kms:RecipientAttestation:NitroTPMPCR7')).toBe(true);
    expect(isKnownConditionKey('aws:SourceVpcee')).toBe(false);
    expect(nearestConditionKey('totally-unrelated')).toBeUndefined();
    // Long keys are not compared with every known key, and never throw.
    expect(nearestConditionKey(`aws:${'x'.repeat(10_000)}`)).toBeUndefined();
  });
});

describe('condition keys that do not exist for the statement\'s actions', () => {
  test('kms:EncryptionContext on DescribeKey: a warning naming the actions that carry it', () => {
    const r = withIdentityStatements({ Sid: 'Describe', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: KEY, Condition: { StringEquals: { 'kms:EncryptionContext:app': 'x' } } });
    const w = r.warnings.find((x) => x.code === 'condition-key-not-applicable');
    expect(w).toMatchObject({ statement: 'Sid "Describe"', field: 'Condition.StringEquals.kms:EncryptionContext:app' });
    expect(w!.message).toContain('(kms:DescribeKey)');
    expect(w!.message).toContain('kms:Decrypt');
  });

  test.each([
    ['a key the action carries', 'kms:Decrypt', 'kms:CallerAccount'],
    ['a wildcard action, some of whose actions carry the key', 'kms:*', 'kms:EncryptionContext:app'],
    ['a global key', 'kms:DescribeKey', 'aws:SourceVpce'],
    ['actions of another service only', 's3:GetObject', 'kms:EncryptionContext:app'],
  ])('no warning for %s', (_, action, key) => {
    const r = withIdentityStatements({ Effect: 'Deny', Action: action, Resource: '*', Condition: { StringEquals: { [key]: 'x' } } });
    expect(r.warnings.filter((w) => w.code === 'condition-key-not-applicable')).toEqual([]);
  });

  test('NotAction: judged on the actions it leaves', () => {
    const allButDescribe = withIdentityStatements({ Effect: 'Deny', NotAction: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'x' } } });
    expect(codes(allButDescribe)).not.toContain('condition-key-not-applicable');
    const allButCrypto = withIdentityStatements({
      Effect: 'Deny',
      NotAction: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:RetireGrant'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:app': 'x' } },
    });
    expect(codes(allButCrypto)).toContain('condition-key-not-applicable');
  });

  // conditions-kms.md: kms:CustomerMasterKeySpec "and kms:KeySpec condition keys work the same way ... AWS KMS supports
  // both condition keys"; the permissions reference lists only kms:KeySpec for CreateKey.
  test('a deprecated key works as the key that replaced it: no warning', () => {
    const r = withIdentityStatements({ Effect: 'Deny', Action: 'kms:CreateKey', Resource: '*', Condition: { StringEquals: { 'kms:CustomerMasterKeySpec': 'RSA_2048' } } });
    expect(r.warnings.filter((w) => w.code === 'condition-key-not-applicable')).toEqual([]);
  });
});

describe('duplicate Sids and invisible characters in other policies: warnings', () => {
  test('two statements with one Sid: a warning naming both', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT, { ...ROOT_STATEMENT, Action: 'kms:Decrypt' }, { ...ROOT_STATEMENT, Action: 'kms:Encrypt' }) },
      caller: { arn: `arn:aws:iam::${ACCOUNT}:root` },
      request: { action: 'kms:Decrypt' },
    });
    expect(r.decision).toBe('allow');
    expect(r.warnings).toEqual([
      {
        code: 'duplicate-sid',
        severity: 'warning',
        policy: 'key policy',
        statement: 'Sid "EnableIAMPolicies" (statement #1)',
        field: 'Sid',
        message: 'statements #0 and #1 of the key policy share the Sid "EnableIAMPolicies", so explanations and finding ids name each with its index '
          + '(Sid "EnableIAMPolicies" (statement #1)), and IAM rejects an identity policy whose Sids are not unique. give each statement its own Sid',
      },
      expect.objectContaining({ code: 'duplicate-sid', statement: 'Sid "EnableIAMPolicies" (statement #2)', message: expect.stringContaining('statements #0 and #2') }),
    ]);
  });

  test.each([
    ['a Sid', { Sid: 'Use\u200d', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }, 'Sid'],
    ['a Resource ARN', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `${KEY}\u2060` }, 'Resource'],
    ['a lone surrogate in a Resource ARN', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `${KEY}\udc00` }, 'Resource'],
    ['a bidi override in a NotResource', { Effect: 'Deny', Action: 'kms:Decrypt', NotResource: `\u202e${KEY}` }, 'NotResource'],
  ])('%s of an identity policy', (_, statement, field) => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT) },
      caller: { arn: ALICE, identityPolicies: [policy(statement)] },
      request: { action: 'kms:Decrypt' },
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'invisible-character', policy: 'identity policy #0', field })]);
  });

  test('a principal name in a VPC endpoint policy', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT) },
      caller: { arn: ALICE, identityPolicies: [policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY })] },
      vpcEndpoint: { id: 'vpce-1234abcd', policy: policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/al\u00adice` }, Action: 'kms:*', Resource: '*' }) },
      request: { action: 'kms:Decrypt' },
    });
    expect(r.decision).toBe('implicit-deny');
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'invisible-character', policy: 'VPC endpoint policy', field: 'Principal.AWS', message: expect.stringContaining('U+00AD (soft hyphen)') })]);
  });

  test('a request.context key', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT) },
      caller: { arn: ALICE, identityPolicies: [policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY })] },
      request: { action: 'kms:Decrypt', context: { 'aws:Source\u200bIp': '10.0.0.1' } },
    });
    expect(r.decision).toBe('allow');
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'invisible-character', field: 'request.context.aws:Source\\u200BIp' })]);
  });
});

describe('key policies: size and characters are errors', () => {
  const keyPolicyIssues = (raw: unknown) => {
    const issues = new IssueCollector();
    checkKeyPolicy(raw, 'key policy', issues);
    return issues.issues;
  };

  test('the size is that of compact JSON, exactly, whatever the characters', () => {
    const samples = ['plain', 'quo"te', 'back\\slash', 'tab\t', 'ctl\u0001', 'é', '€', '😀', 'del\u007f'];
    for (const sample of samples) {
      const base = { Version: '2012-10-17', Id: '', Statement: [{ Sid: 'S', Effect: 'Allow', Principal: { AWS: ALICE }, Action: ['kms:Decrypt', sample], Resource: '*', Condition: { NumericLessThan: { k: [1.5, -3] } } }] };
      const size = Buffer.byteLength(JSON.stringify(base), 'utf8');
      for (const target of [KEY_POLICY_MAX_BYTES, KEY_POLICY_MAX_BYTES + 1]) {
        const p = { ...base, Id: 'x'.repeat(target - size) };
        expect(Buffer.byteLength(JSON.stringify(p), 'utf8')).toBe(target);
        const tooLarge = keyPolicyIssues(p).some((i) => i.code === 'key-policy-too-large');
        expect([sample, target, tooLarge]).toEqual([sample, target, target > KEY_POLICY_MAX_BYTES]);
      }
    }
  });

  test('a 50 MB key policy is refused without being walked to its end', () => {
    const huge = { Version: '2012-10-17', Statement: Array.from({ length: 400_000 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'x'.repeat(40) } } })) };
    expect(JSON.stringify(huge).length).toBeGreaterThan(50_000_000);
    // Counted, not timed: the statements read before the walk stops (32 KB holds a few hundred of these).
    let read = 0;
    const counted = {
      ...huge,
      Statement: new Proxy(huge.Statement, {
        get: (target, property, receiver) => {
          if (typeof property === 'string' && /^\d+$/.test(property)) read++;
          return Reflect.get(target, property, receiver);
        },
      }),
    };
    const issues = keyPolicyIssues(counted);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(2_000);
    expect(issues).toEqual([expect.objectContaining({ code: 'key-policy-too-large', message: expect.stringContaining('over 32,768 bytes even as compact JSON') })]);
  });

  test('each bad character is located: policy, statement, field, and a short escaped prefix', () => {
    const issues = keyPolicyIssues(policy(
      { Sid: 'A', Effect: 'Allow', Principal: { AWS: [ALICE, `arn:aws:iam::${ACCOUNT}:role/${'r'.repeat(80)}\u200b`] }, Action: 'kms:Decrypt', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:Source\u200bVpce': 'vpce-1', 'aws:SourceIp': '\u0085' } } },
    ));
    expect(issues).toEqual([
      expect.objectContaining({ code: 'key-policy-invalid-character', severity: 'error', policy: 'key policy', statement: 'Sid "A"', field: 'Principal.AWS[1]' }),
      expect.objectContaining({ code: 'key-policy-invalid-character', statement: 'statement #1', field: 'Condition.StringNotEquals.aws:Source\\u200BVpce' }),
      expect.objectContaining({ code: 'key-policy-invalid-character', statement: 'statement #1', field: 'Condition.StringNotEquals.aws:SourceIp', message: expect.stringContaining('U+0085 (a control character)') }),
    ]);
    // At most 40 characters of the value, ending with the character: never the whole value.
    expect(issues[0].message).toContain(`\`...${'r'.repeat(39)}\\u200B\``);
  });

  test('at most five character issues per policy', () => {
    const issues = keyPolicyIssues(policy({ Sid: 'A', Effect: 'Allow', Principal: { AWS: ALICE }, Action: Array.from({ length: 20 }, (_, i) => `kms:Decrypt${i}\u200b`), Resource: '*' }));
    expect(issues).toHaveLength(5);
    expect(issues[4].message).toContain('further characters of this policy are not reported');
  });

  test('Latin-1 letters and tabs are accepted; the soft hyphen (Latin-1, but invisible) is only a warning', () => {
    expect(keyPolicyIssues(policy({ Sid: 'Clé\tpour Zoë', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' }))).toEqual([]);
    expect(keyPolicyIssues(policy({ Sid: 'soft\u00adhyphen', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' })))
      .toEqual([expect.objectContaining({ code: 'invisible-character', severity: 'warning', field: 'Sid' })]);
  });

  test('a key policy given as text: measured as written, characters checked once decoded', () => {
    expect(keyPolicyIssues(JSON.stringify(policy({ Sid: 'A', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' })))).toEqual([]);
    // An escape is ASCII as written, but the policy holds the character it stands for.
    expect(keyPolicyIssues('{"Statement": [{"Sid": "A\\u200b", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}'))
      .toEqual([expect.objectContaining({ code: 'key-policy-invalid-character', field: 'Sid' })]);
  });

  test('the destination key policy of a ReEncrypt, checked on the compiled path too', () => {
    const scenario = {
      key: { arn: KEY, policy: policy(ROOT_STATEMENT) },
      caller: { arn: `arn:aws:iam::${ACCOUNT}:root` },
      request: { action: 'kms:ReEncrypt', destinationKey: { arn: KEY, policy: policy({ ...ROOT_STATEMENT, Sid: 'Root\u200b' }) } },
    };
    const r = KmsAccessEvaluator.evaluate(scenario);
    expect(r.decision).toBe('implicit-deny');
    expect(r.errors).toEqual([expect.objectContaining({ code: 'key-policy-invalid-character', policy: 'key policy of the destination key' })]);
    expect(KmsAccessEvaluator.compile(scenario).evaluate()).toEqual(r);
    // The same compiled scenario with a clean request evaluates.
    expect(KmsAccessEvaluator.compile(scenario).evaluate({ action: 'kms:Decrypt' }).decision).toBe('allow');
  });
});

describe('quotas: warnings', () => {
  test('more aliases than the default quota', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT), aliases: Array.from({ length: 51 }, (_, i) => `alias/a${i}`) },
      caller: { arn: `arn:aws:iam::${ACCOUNT}:root` },
      request: { action: 'kms:Decrypt' },
    });
    expect(r.decision).toBe('allow');
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'alias-quota-exceeded', field: 'key.aliases' })]);
  });
});

describe('principals: partitions, case and paths', () => {
  const grant = (grantee: string, retiring?: string) => ({ grantId: 'g-1', granteePrincipal: grantee, ...(retiring ? { retiringPrincipal: retiring } : {}), operations: ['Decrypt'] });

  test('a retiring principal named in another case cannot retire the grant (an allow matches exactly)', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT) },
      caller: { arn: 'arn:aws:iam::444455556666:user/Retirer' },
      grants: [grant(ALICE, 'arn:aws:iam::444455556666:user/retirer')],
      request: { action: 'kms:RetireGrant', grantId: 'g-1' },
    });
    expect(r.decision).toBe('implicit-deny');
  });

  test('a caller of another partition cannot retire a grant, even as its retiring principal', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT) },
      caller: { arn: `arn:aws-us-gov:iam::${ACCOUNT}:user/retirer` },
      grants: [grant(ALICE, `arn:aws-us-gov:iam::${ACCOUNT}:user/retirer`)],
      request: { action: 'kms:RetireGrant', grantId: 'g-1' },
    });
    expect(r.decision).toBe('implicit-deny');
    expect(r.explanation).toContain('partition aws-us-gov');
  });

  test('an alias operation on an alias of another partition', () => {
    const r = KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy(ROOT_STATEMENT) },
      caller: { arn: `arn:aws:iam::${ACCOUNT}:root` },
      request: { action: 'kms:CreateAlias', aliasArn: `arn:aws-cn:kms:us-east-1:${ACCOUNT}:alias/orders` },
    });
    expect(r.decision).toBe('implicit-deny');
    expect(r.checks[0].explanation).toContain('partition aws-cn');
  });

  test('a Deny naming a session in another case applies; an Allow naming it does not', () => {
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/App/Build-1`;
    const named = `arn:aws:sts::${ACCOUNT}:assumed-role/App/build-1`;
    const decide = (effect: string) => KmsAccessEvaluator.evaluate({
      key: { arn: KEY, policy: policy({ Sid: 'Role', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/App` }, Action: 'kms:Decrypt', Resource: '*' }, { Sid: 'Session', Effect: effect, Principal: { AWS: named }, Action: 'kms:Decrypt', Resource: '*' }) },
      caller: { arn: session },
      request: { action: 'kms:Decrypt' },
    });
    expect(decide('Deny').decision).toBe('explicit-deny');
    expect(decide('Allow').explanation).toContain('Sid "Role"');
  });
});

describe('the lockout check for a service principal', () => {
  test('CreateKey by a service principal is not authorized (IAM-only), and the check still says whether the new policy names it', () => {
    const names = policy({ Sid: 'Cfn', Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'kms:PutKeyPolicy', Resource: '*' });
    const r = KmsAccessEvaluator.evaluate({ caller: { arn: 'cloudformation.amazonaws.com' }, request: { action: 'kms:CreateKey', newKeyPolicy: names } });
    expect(r).toMatchObject({ decision: 'implicit-deny', lockoutSafetyCheck: 'passed', errors: [] });
    const other = KmsAccessEvaluator.evaluate({ caller: { arn: 'cloudformation.amazonaws.com' }, request: { action: 'kms:CreateKey', newKeyPolicy: policy(ROOT_STATEMENT) } });
    expect(other).toMatchObject({ decision: 'implicit-deny', lockoutSafetyCheck: 'failed' });
  });
});

describe('characters.ts', () => {
  test.each([
    ['plain ASCII', 'arn:aws:iam::1:role/x', false, undefined],
    ['tab, LF and CR are fine', 'a\tb\nc\rd', true, undefined],
    ['a zero-width space', 'ab\u200bc', false, 2],
    ['Latin-1 outside key policies', 'café', false, undefined],
    ['Latin-1 in key policies', 'café', true, undefined],
    ['an emoji outside key policies (visible)', 'a😀', false, undefined],
    ['an emoji in a key policy', 'a😀', true, 1],
    ['a lone high surrogate', 'a\ud800b', false, 1],
    ['a lone low surrogate', '\udc00', false, 0],
    ['a C1 control', 'a\u0085', false, 1],
    ['a tag character (a surrogate pair)', 'a\u{e0041}', false, 1],
  ])('%s', (_, text, keyPolicy, index) => {
    expect(firstBadCharacter(text, keyPolicy)?.index).toBe(index);
  });

  test('descriptions, echoes and the visible text', () => {
    expect(describeCharacter(firstBadCharacter('a\ud800', false)!)).toBe('a lone surrogate U+D800 (not valid Unicode, so it has no UTF-8 form)');
    expect(describeCharacter(firstBadCharacter('a😀', true)!)).toBe('U+1F600');
    expect(echoUpTo('abc😀def', 3)).toBe('abc\\uD83D\\uDE00');
    expect(withoutInvisibleCharacters('aws:\u200bSource\u202eVpce\ud800')).toBe('aws:SourceVpce');
    expect(withoutInvisibleCharacters('café 😀')).toBe('café 😀');
  });
});
