import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCloudAssembly } from '../../src/app-model/cloud-assembly';

/** Writes a cloud assembly shaped like `cdk synth` output: a manifest, templates, a metadata file, a nested stage. */
function writeAssembly(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-guard-assembly-'));
  const write = (file: string, content: unknown): void => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), JSON.stringify(content));
  };
  const template = (logicalId: string): unknown => ({ Resources: { [logicalId]: { Type: 'AWS::KMS::Key' } } });
  write('manifest.json', {
    version: '54.0.0',
    artifacts: {
      'KeyStack.assets': { type: 'cdk:asset-manifest', properties: { file: 'KeyStack.assets.json' } },
      'KeyStack': {
        type: 'aws:cloudformation:stack',
        environment: 'aws://111122223333/eu-west-1',
        properties: { templateFile: 'KeyStack.template.json' },
        additionalMetadataFile: 'KeyStack.metadata.json',
        displayName: 'KeyStack',
      },
      'Agnostic': {
        type: 'aws:cloudformation:stack',
        environment: 'aws://unknown-account/unknown-region',
        properties: { templateFile: 'Agnostic.template.json', stackName: 'agnostic-deployed-name' },
        metadata: { '/Agnostic/K/Resource': [{ type: 'aws:cdk:logicalId', data: 'K' }] },
      },
      'China': { type: 'aws:cloudformation:stack', environment: 'aws://111122223333/cn-north-1', properties: { templateFile: 'China.template.json' } },
      'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod', displayName: 'Prod' } },
      'Tree': { type: 'cdk:tree', properties: { file: 'tree.json' } },
    },
  });
  write('KeyStack.template.json', template('DataKey17AFBB84'));
  write('KeyStack.metadata.json', {
    '/KeyStack': [{ type: 'aws:cdk:creationStack', data: [] }],
    '/KeyStack/DataKey/Resource': [{ type: 'aws:cdk:logicalId', data: 'DataKey17AFBB84' }],
  });
  write('Agnostic.template.json', template('K'));
  write('China.template.json', template('K'));
  write('assembly-Prod/manifest.json', {
    version: '54.0.0',
    artifacts: { ProdKeys: { type: 'aws:cloudformation:stack', environment: 'aws://444455556666/us-east-1', properties: { templateFile: 'ProdKeys.template.json' } } },
  });
  write('assembly-Prod/ProdKeys.template.json', template('ProdKey'));
  return dir;
}

describe('readCloudAssembly', () => {
  const dir = writeAssembly();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('GIVEN a cdk.out directory WHEN read THEN every stack artifact comes back with its environment, nested stages included', () => {
    const stacks = readCloudAssembly(dir);
    expect(stacks.map((s) => [s.stackName, s.account, s.region, s.partition])).toEqual([
      ['KeyStack', '111122223333', 'eu-west-1', 'aws'],
      ['agnostic-deployed-name', '123456789012', 'us-east-1', 'aws'],
      ['China', '111122223333', 'cn-north-1', 'aws-cn'],
      ['ProdKeys', '444455556666', 'us-east-1', 'aws'],
    ]);
    expect(stacks[0].template).toEqual({ Resources: { DataKey17AFBB84: { Type: 'AWS::KMS::Key' } } });
  });

  test('GIVEN an environment-agnostic stack WHEN read THEN placeholders are used and flagged', () => {
    const [concrete, agnostic] = readCloudAssembly(dir);
    expect(agnostic).toMatchObject({ accountIsPlaceholder: true, regionIsPlaceholder: true });
    expect(concrete.accountIsPlaceholder).toBeUndefined();
  });

  test('GIVEN aws:cdk:logicalId metadata, in a metadata file or inline WHEN read THEN construct paths map logical ids', () => {
    const [keyStack, agnostic, china] = readCloudAssembly(dir);
    expect(keyStack.constructPaths).toEqual({ DataKey17AFBB84: 'KeyStack/DataKey/Resource' });
    expect(agnostic.constructPaths).toEqual({ K: 'Agnostic/K/Resource' });
    expect(china.constructPaths).toBeUndefined();
  });

  test('GIVEN a directory without a manifest WHEN read THEN the error names the file', () => {
    expect(() => readCloudAssembly(path.join(dir, 'missing'))).toThrow(/cannot read .*missing.manifest\.json/);
  });
});

describe('readCloudAssembly refuses what cdk synth never writes, naming the file and never echoing its content', () => {
  const SECRET = 'root:x:0:0:TOP-SECRET-CONTENT:/root:/bin/bash';
  const made: string[] = [];
  afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** A temporary directory holding `outside/secret.json` (content SECRET) and `cdk.out/` with the given files. */
  function layout(files: Record<string, string | object>): { out: string; outside: string } {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-guard-assembly-hostile-'));
    made.push(base);
    const out = path.join(base, 'cdk.out');
    const outside = path.join(base, 'outside');
    fs.mkdirSync(out);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.json'), SECRET);
    fs.writeFileSync(path.join(outside, 'template.json'), JSON.stringify({ Resources: {} }));
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
      fs.writeFileSync(path.join(out, name), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return { out, outside };
  }
  const stack = (properties: unknown, extra: object = {}): object => ({
    version: '54.0.0',
    artifacts: { Stack: { type: 'aws:cloudformation:stack', environment: 'aws://111122223333/us-east-1', properties, ...extra } },
  });
  /** The error readCloudAssembly throws (the test fails when it throws none). */
  const errorOf = (dir: string): string => {
    let message: string | undefined;
    try {
      readCloudAssembly(dir);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBeDefined();
    expect(message).not.toContain('TOP-SECRET');
    expect(message).not.toContain('root:x');
    return message!;
  };

  test.each([
    ['templateFile climbing out with ../', { 'manifest.json': stack({ templateFile: '../../../../../../../../etc/passwd' }) }, /artifact "Stack" properties\.templateFile is "\.\.\/.*passwd", which lies outside the cloud assembly directory/],
    ['templateFile naming a file beside the assembly', { 'manifest.json': stack({ templateFile: '../outside/secret.json' }) }, /properties\.templateFile is "\.\.\/outside\/secret\.json", which lies outside/],
    ['a nested assembly directory outside', { 'manifest.json': { artifacts: { Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: '../outside' } } } } }, /artifact "Stage" properties\.directoryName is "\.\.\/outside", which lies outside/],
    ['a metadata file outside', { 'manifest.json': stack({ templateFile: 't.json' }, { additionalMetadataFile: '../outside/secret.json' }), 't.json': { Resources: {} } }, /additionalMetadataFile is "\.\.\/outside\/secret\.json", which lies outside/],
  ])('GIVEN %s WHEN read THEN it is refused, naming the manifest field', (_what, files, expected) => {
    const { out } = layout(files);
    const message = errorOf(out);
    expect(message).toMatch(expected);
    expect(message).toContain(path.join(fs.realpathSync(out), 'manifest.json'));
  });

  test('GIVEN a template file that is a symbolic link to a file outside WHEN read THEN it is refused (real paths are compared)', () => {
    const { out, outside } = layout({ 'manifest.json': stack({ templateFile: 'Stack.template.json' }) });
    fs.symlinkSync(path.join(outside, 'secret.json'), path.join(out, 'Stack.template.json'));
    expect(errorOf(out)).toMatch(/properties\.templateFile is "Stack\.template\.json", which lies outside the cloud assembly directory .* \(symbolic links resolved\): refused/);
  });

  test('GIVEN a nested assembly that is a symbolic link to a directory outside WHEN read THEN it is refused', () => {
    const { out, outside } = layout({ 'manifest.json': { artifacts: { Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } } } } });
    fs.writeFileSync(path.join(outside, 'manifest.json'), JSON.stringify(stack({ templateFile: 'template.json' })));
    fs.symlinkSync(outside, path.join(out, 'assembly-Stage'));
    expect(errorOf(out)).toMatch(/artifact "Stage" properties\.directoryName is "assembly-Stage", which lies outside/);
  });

  test('GIVEN a symbolic link that stays inside the assembly, and an assembly directory reached through a link WHEN read THEN both are accepted', () => {
    const { out } = layout({ 'manifest.json': stack({ templateFile: 'link.json' }), 'real/template.json': { Resources: { K: { Type: 'AWS::KMS::Key' } } } });
    fs.symlinkSync(path.join(out, 'real', 'template.json'), path.join(out, 'link.json'));
    const viaLink = `${out}-link`;
    fs.symlinkSync(out, viaLink);
    made.push(viaLink);
    expect(readCloudAssembly(out).map((s) => Object.keys(s.template.Resources))).toEqual([['K']]);
    expect(readCloudAssembly(viaLink).map((s) => s.stackName)).toEqual(['Stack']);
  });

  test.each([
    ['templateFile: 5', stack({ templateFile: 5 }), /artifact "Stack" \(aws:cloudformation:stack\): properties\.templateFile is a number: expected a file name/],
    ['an empty templateFile', stack({ templateFile: '' }), /properties\.templateFile is an empty string/],
    ['a stack without properties', stack(undefined), /properties\.templateFile is missing, as properties is missing/],
    ['a nested assembly without directoryName', { artifacts: { Stage: { type: 'cdk:cloud-assembly', properties: {} } } }, /artifact "Stage" \(cdk:cloud-assembly\): properties\.directoryName is missing/],
    ['an artifact that is null', { artifacts: { Broken: null } }, /artifact "Broken" is null: expected an object/],
    ['artifacts that are an array', { artifacts: [] }, /"artifacts" is an array: expected an object of artifacts/],
  ])('GIVEN a manifest with %s WHEN read THEN a clear error names the manifest and the artifact, rather than skipping the stack', (_what, manifest, expected) => {
    const { out } = layout({ 'manifest.json': manifest });
    const message = errorOf(out);
    expect(message).toMatch(expected);
    expect(message).toContain('manifest.json');
  });

  test.each([
    ['null', 'null', /manifest\.json holds null: expected a cloud assembly manifest/],
    ['an array', '[]', /manifest\.json holds an array/],
    ['a string', '"x"', /manifest\.json holds a string/],
    ['text that is not JSON', SECRET, /manifest\.json is not JSON: an unexpected character .*\(the file's content is not shown\)/],
    ['JSON with a trailing comma (found at the brace on line 4)', '{\n  "artifacts": {\n    "a": 1,\n  }\n}', /manifest\.json is not JSON: syntax error at line 4, column 3/],
    ['nothing (an empty file)', '', /manifest\.json is not JSON: the text ends before the JSON value does/],
  ])('GIVEN a manifest.json holding %s WHEN read THEN the error names the file and never quotes it', (_what, content, expected) => {
    const { out } = layout({ 'manifest.json': content });
    expect(errorOf(out)).toMatch(expected);
  });

  test('GIVEN a template holding null, or text WHEN read THEN the error names the template file', () => {
    const nullTemplate = layout({ 'manifest.json': stack({ templateFile: 't.json' }), 't.json': 'null' });
    expect(errorOf(nullTemplate.out)).toMatch(/t\.json holds null: expected a CloudFormation template/);
    const textTemplate = layout({ 'manifest.json': stack({ templateFile: 't.json' }), 't.json': SECRET });
    expect(errorOf(textTemplate.out)).toMatch(/t\.json is not JSON: .*\(the file's content is not shown\)/);
  });

  test('GIVEN a manifest and a template that start with a UTF-8 byte-order mark WHEN read THEN the mark is skipped and the stack is read', () => {
    const { out } = layout({
      'manifest.json': `\uFEFF${JSON.stringify(stack({ templateFile: 't.json' }))}`,
      't.json': `\uFEFF${JSON.stringify({ Resources: { K: { Type: 'AWS::KMS::Key' } } })}`,
    });
    expect(readCloudAssembly(out).map((s) => [s.stackName, Object.keys(s.template.Resources)])).toEqual([['Stack', ['K']]]);
  });
});
