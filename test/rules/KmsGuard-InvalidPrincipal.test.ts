import { DEPLOYER_STATEMENT, appWithStack, findingsOf, ids, keyResource, modelOfResources, rawKey } from './helpers';
import { InvalidPrincipal } from '../../src/rules/KmsGuard-InvalidPrincipal';

const RULE = 'KmsGuard-InvalidPrincipal';

describe(RULE, () => {
  test('GIVEN a raw CfnKey with a wildcard inside a principal ARN WHEN checked THEN an error on the statement', () => {
    const { app, stack } = appWithStack();
    rawKey(stack, DEPLOYER_STATEMENT, { Sid: 'Readers', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/reader-*' }, Action: 'kms:Decrypt', Resource: '*' });
    const findings = findingsOf(InvalidPrincipal, app);
    expect(ids(findings)).toEqual([`${RULE}[Statement::Readers] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'S/Raw', field: 'Principal' });
  });

  test.each([
    ['an IAM group', 'arn:aws:iam::111122223333:group/admins', true],
    ['a role', 'arn:aws:iam::111122223333:role/reader', false],
    ['an account id', '111122223333', false],
    ['an assumed-role session', 'arn:aws:sts::111122223333:assumed-role/reader/alice', false],
  ])('table: %s', (_name, principal, reported) => {
    const model = modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, { Sid: 'P', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' }]) });
    expect(InvalidPrincipal.check(model).map((f) => f.findingId)).toEqual(reported ? ['Statement::P'] : []);
  });
});
