/**
 * Bugs the second mutation sample of src/rules found (docs/mutation-testing.md, "src/rules, sample 2"), each pinned by
 * the behaviour the AWS page cited documents. Each failed before its fix.
 */
import { DEPLOYER_STATEMENT, ids, keyResource, modelOfResources } from './helpers';
import { IneffectiveStatement } from '../../src/rules/KmsGuard-IneffectiveStatement';

/** Statement X of a key policy: the app role may decrypt, under `condition`. */
function decryptUnder(condition: Record<string, unknown>): Record<string, unknown> {
  return { Sid: 'X', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:Decrypt', Resource: '*', Condition: condition };
}

/**
 * aws:SourceIp is absent from requests through a VPC endpoint (IAM UG, condition operators; kms-vpc-endpoint.md), so a
 * statement that applies only through one and tests aws:SourceIp never holds. KmsGuard-IneffectiveStatement knows two
 * keys that said "through an endpoint" (`/^aws:source(vpce|vpc)$/i`), but aws:SourceVpcArn is in the request
 * context only through a VPC endpoint as well (IAM UG, "Use VPC condition keys to control federated access", table
 * "VPC condition key availability by network path": aws:SourceVpcArn, through VPC endpoint yes, over public internet
 * no; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_condition_keys_federated.html, a page not in
 * the local reference set). The evaluator knows the key (src/evaluator/request-context.ts OTHER_GLOBAL_CONDITION_KEYS),
 * so the policy reader does not flag it either: a silent pass. If KMS requests never carried aws:SourceVpcArn, the
 * statement would never apply all the same.
 */
describe('KmsGuard-IneffectiveStatement: aws:SourceIp in a statement that applies only through a VPC endpoint, by aws:SourceVpcArn', () => {
  test.each([
    ['aws:SourceVpcArn', 'arn:aws:ec2:us-east-1:111122223333:vpc/vpc-12345678'],
    // The same table: aws:VpcSourceIp, the caller's private address in the VPC, exists only through an endpoint too.
    ['aws:VpcSourceIp', '10.0.0.0/16'],
  ])('an Allow testing aws:SourceIp and %s never applies: the same warning as with aws:SourceVpc', (key, value) => {
    const operator = key === 'aws:VpcSourceIp' ? 'IpAddress' : 'StringEquals';
    const condition: Record<string, Record<string, string>> = { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } };
    condition[operator] = { ...condition[operator], [key]: value };
    const statement = decryptUnder(condition);
    const findings = IneffectiveStatement.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, statement]) }));
    expect(ids(findings)).toEqual(['KmsGuard-IneffectiveStatement[Statement::X] warning']);
    expect(findings[0].message).toContain('`aws:SourceIp` is absent from requests that come through a VPC endpoint');
  });

  test('the same statement with aws:SourceVpc is reported today (the behaviour the fix extends)', () => {
    const statement = decryptUnder({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, StringEquals: { 'aws:SourceVpc': 'vpc-12345678' } });
    const findings = IneffectiveStatement.check(modelOfResources({ Key: keyResource([DEPLOYER_STATEMENT, statement]) }));
    expect(ids(findings)).toEqual(['KmsGuard-IneffectiveStatement[Statement::X] warning']);
    expect(findings[0].message).toContain('`aws:SourceIp` is absent from requests that come through a VPC endpoint');
  });
});
