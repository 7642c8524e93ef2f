import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ENV, findingsOf, ids } from './helpers';
import { DuplicatePrivateDnsEndpoint } from '../../src/rules/KmsGuard-DuplicatePrivateDnsEndpoint';

const RULE = 'KmsGuard-DuplicatePrivateDnsEndpoint';
const AZ_CONTEXT = { 'availability-zones:account=111122223333:region=us-east-1': ['us-east-1a', 'us-east-1b'] };

function app(endpoints: number) {
  const a = new App({ context: AZ_CONTEXT });
  const stack = new Stack(a, 'Network', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0 });
  for (let i = 0; i < endpoints; i++) vpc.addInterfaceEndpoint(`Kms${i}`, { service: ec2.InterfaceVpcEndpointAwsService.KMS });
  return a;
}

describe(RULE, () => {
  test('GIVEN two KMS interface endpoints with private DNS in one VPC WHEN checked THEN an error on the second', () => {
    const findings = findingsOf(DuplicatePrivateDnsEndpoint, app(2));
    expect(ids(findings)).toEqual([`${RULE}[Endpoint::PrivateDns] error`]);
    expect(findings[0].location).toMatchObject({ constructPath: 'Network/Vpc/Kms1/Resource', field: 'PrivateDnsEnabled' });
  });

  test('GIVEN one endpoint THEN compliant', () => {
    expect(findingsOf(DuplicatePrivateDnsEndpoint, app(1))).toEqual([]);
  });
});
