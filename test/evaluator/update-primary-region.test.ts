/**
 * kms:UpdatePrimaryRegion is authorized on the primary key and on the replica key (multi-region-keys-auth.md,
 * "UpdatePrimaryRegion"). A request naming no replica (request.destinationKey) is decided on the primary key's
 * policies only: the evaluator says so with the warning `replica-key-not-checked`, rather than an allow that looks
 * complete while AWS may still deny the request on the replica's policy.
 */
import { KmsAccessEvaluator } from '../../src/evaluator/kms-access-evaluator';

const PRIMARY = 'arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';
const REPLICA = 'arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';
const ADMIN = 'arn:aws:iam::111122223333:role/Administrator';

const policy = (principal: string) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Promote', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:UpdatePrimaryRegion', Resource: '*' }],
});

const scenario = (request: Record<string, unknown>) => ({
  key: { arn: PRIMARY, policy: policy(ADMIN), multiRegion: true, multiRegionKeyType: 'PRIMARY' },
  caller: { arn: ADMIN },
  request: { action: 'kms:UpdatePrimaryRegion', ...request },
});

describe('kms:UpdatePrimaryRegion and the replica key (multi-region-keys-auth.md)', () => {
  test('without request.destinationKey: decided on the primary key alone, with the warning replica-key-not-checked', () => {
    const result = KmsAccessEvaluator.evaluate(scenario({}));
    expect(result.decision).toBe('allow');
    expect(result.checks.map((c) => [c.action, c.resource])).toEqual([['kms:UpdatePrimaryRegion', PRIMARY]]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([{
      code: 'replica-key-not-checked',
      severity: 'warning',
      field: 'request.destinationKey',
      message: 'kms:UpdatePrimaryRegion is authorized on the replica key too (multi-region-keys-auth.md): without request.destinationKey (the replica that becomes the primary) only the primary key\'s policies were checked, and AWS may still deny the request on the replica\'s. Add request.destinationKey to check both',
    }]);
  });

  test('with the replica: both keys are checked, no warning; a replica policy that does not allow denies the request', () => {
    const allowed = KmsAccessEvaluator.evaluate(scenario({ destinationKey: { arn: REPLICA, policy: policy(ADMIN), multiRegion: true, multiRegionKeyType: 'REPLICA' } }));
    expect(allowed.decision).toBe('allow');
    expect(allowed.checks.map((c) => [c.resource, c.decision])).toEqual([[PRIMARY, 'allow'], [REPLICA, 'allow']]);
    expect(allowed.warnings).toEqual([]);

    const refused = KmsAccessEvaluator.evaluate(scenario({
      destinationKey: { arn: REPLICA, policy: policy('arn:aws:iam::111122223333:role/Someone'), multiRegion: true, multiRegionKeyType: 'REPLICA' },
    }));
    expect(refused.decision).toBe('implicit-deny');
    expect(refused.checks.map((c) => [c.resource, c.decision])).toEqual([[PRIMARY, 'allow'], [REPLICA, 'implicit-deny']]);
  });

  test('other actions get no such warning', () => {
    const result = KmsAccessEvaluator.evaluate({ ...scenario({}), request: { action: 'kms:DescribeKey' } });
    expect(result.warnings).toEqual([]);
  });
});
