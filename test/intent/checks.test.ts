import { conditionConflict, mergeConditionsAt } from '../../src/intent/checks/condition-conflicts';
import { notShareableActions, notShareableGrantMessage, notShareableShareMessage } from '../../src/intent/checks/cross-account-actions';
import { mergeEncryptionContext } from '../../src/intent/checks/encryption-context';
import { intentProblems } from '../../src/intent/checks/intent-problems';
import { beyondAdministration, dutyConflicts, separationOfDutiesMessage } from '../../src/intent/checks/separation-of-duties';
import { contextKeysNotSent, serviceContextProblem } from '../../src/intent/checks/service-context';
import { DeclaredIntent } from '../../src/intent/declared-intent';
import { PermissionSets } from '../../src/policy/catalogue';
import { SERVICE_INTEGRATIONS } from '../../src/policy/service-integrations';

describe('separation of duties', () => {
  test('administration is PermissionSets.administer; anything else is use', () => {
    expect(beyondAdministration([...PermissionSets.administer])).toEqual([]);
    expect(beyondAdministration(['kms:PutKeyPolicy', 'kms:Decrypt'])).toEqual(['kms:Decrypt']);
  });

  test('an administrator also declared a user conflicts; a user with only administration does not', () => {
    expect(dutyConflicts(['a', 'b'], [{ principal: 'a', actions: ['kms:Decrypt', 'kms:DescribeKey'] }, { principal: 'b', actions: ['kms:DescribeKey'] }, { principal: 'c', actions: ['kms:Encrypt'] }]))
      .toEqual([{ principal: 'a', use: ['kms:Decrypt'] }]);
    expect(separationOfDutiesMessage('S/Key', 'S/Role')).toBe('S/Key: S/Role is both an administrator and a user of the key, and separationOfDuties is on. '
      + 'Use separate roles for managing and using the key, or set separationOfDuties: false.');
  });
});

describe('cross-account actions', () => {
  test('only actions KMS honours from another account are shareable', () => {
    expect(notShareableActions(['kms:Decrypt', 'kms:PutKeyPolicy', 'kms:DescribeKey', 'kms:ScheduleKeyDeletion'])).toEqual(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']);
    expect(notShareableGrantMessage('S/Key', 'other', 'O/Role', ['kms:PutKeyPolicy'])).toMatch(/^S\/Key: kms:PutKeyPolicy cannot be used from another account .* O\/Role is in another account/);
    expect(notShareableGrantMessage('S/Key', 'unknown', 'O/Role', ['kms:PutKeyPolicy'])).toMatch(/no explicit account, and kms:PutKeyPolicy work only within it/);
    expect(notShareableShareMessage('S/Share', ['kms:TagResource'])).toMatch(/^S\/Share: kms:TagResource cannot be used from another account: .*Shareable actions: .*kms:Decrypt/);
  });
});

describe('encryption context', () => {
  test('merges, and names the first pair required with two values', () => {
    expect(mergeEncryptionContext({ app: 'a' }, { team: 't' })).toEqual({ merged: { app: 'a', team: 't' } });
    expect(mergeEncryptionContext(undefined, undefined)).toEqual({});
    expect(mergeEncryptionContext({ app: 'a' }, { app: 'b' })).toEqual({ conflict: { key: 'app', required: 'a', given: 'b', comparable: true } });
  });

  test('values that cannot be compared are a conflict too, not comparable', () => {
    expect(mergeEncryptionContext({ app: '${Token[1]}' }, { app: 'b' }, () => 'unknown').conflict).toEqual({ key: 'app', required: '${Token[1]}', given: 'b', comparable: false });
  });

  test('a service that cannot send a required key can never use the key', () => {
    const s3 = SERVICE_INTEGRATIONS.find((i) => i.service === 's3')!;
    expect(contextKeysNotSent(['tenant', ...s3.encryptionContextKeys], s3)).toEqual(['tenant']);
    expect(serviceContextProblem(['tenant'], s3)).toMatch(/^the key requires encryption context "tenant" \(requiredEncryptionContext\), and s3 sends only its own/);
    expect(serviceContextProblem([...s3.encryptionContextKeys], s3)).toBeUndefined();
  });
});

describe('condition conflicts', () => {
  test('the same operator and key with two values conflicts; anything else merges', () => {
    expect(conditionConflict({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }, { StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } }))
      .toBe('StringEquals kms:ViaService is required to be both "s3.us-east-1.amazonaws.com" and "sqs.us-east-1.amazonaws.com"');
    expect(mergeConditionsAt('S/Key', 'x', [{ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, undefined])).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    expect(() => mergeConditionsAt('S/Key', 'contradictory conditions for one grant', [{ A: { k: '1' } }, { A: { k: '2' } }]))
      .toThrow('S/Key: contradictory conditions for one grant: A k is required to be both "1" and "2"');
  });
});

describe('intentProblems', () => {
  const intent = (grants: DeclaredIntent['grants']): DeclaredIntent => ({ version: 1, construct: 'GuardedKmsKey', grants, denies: [] });

  test('a constructed intent has none', () => {
    expect(intentProblems(intent([
      { purpose: 'administer', principals: [{ path: 'S/Admin/Resource' }], actions: [...PermissionSets.administer] },
      { purpose: 'use', principals: [{ path: 'S/User/Resource' }], actions: ['kms:Decrypt'], encryptionContext: { app: 'x' } },
    ]))).toEqual([]);
  });

  test('reports an administrator that uses the key, an unshareable share and contradictory conditions', () => {
    const problems = intentProblems(intent([
      { purpose: 'administer', principals: [{ path: 'S/Admin/Resource' }], actions: [...PermissionSets.administer] },
      { purpose: 'use', principals: [{ path: 'S/Admin/Resource' }], actions: ['kms:Decrypt'] },
      { purpose: 'share', principals: [{ arn: 'arn:aws:iam::444455556666:root' }], actions: ['kms:Decrypt', 'kms:PutKeyPolicy'] },
      { purpose: 'use', principals: [{ path: 'S/User/Resource' }], actions: ['kms:Decrypt'], conditions: { StringEquals: { 'kms:EncryptionContext:app': 'a' } }, encryptionContext: { app: 'b' } },
    ]));
    expect(problems.map((p) => `${p.check} ${p.principal}`)).toEqual([
      'SeparationOfDuties {"path":"S/Admin/Resource"}',
      'NotShareable {"arn":"arn:aws:iam::444455556666:root"}',
      'ConditionConflict {"path":"S/User/Resource"}',
    ]);
  });
});
