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
