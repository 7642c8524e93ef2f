/**
 * identityCandidates (src/rules/support/principals.ts) gives the principals of a key's account whose identity policies
 * may grant KMS actions on the key: those naming the key's ARN and those with a pattern (or a value unknown offline),
 * never the others, in the model's order. The rules ask it for every key, so it looks only at the principals whose
 * grants can reach the key, not at every principal of the account.
 */
import { DEFAULT_POLICY_KEY, kmsInlinePolicy, modelOfResources, roleResource } from './helpers';
import { identityCandidates } from '../../src/rules/support/principals';

const grant = (Resource: unknown, Action: unknown = 'kms:CreateGrant'): Record<string, unknown> => ({ Effect: 'Allow', Action, Resource });
const KEY_A = { 'Fn::GetAtt': ['KeyA', 'Arn'] };
const KEY_B = { 'Fn::GetAtt': ['KeyB', 'Arn'] };

function candidates(needs: (actions: ReadonlySet<string>) => boolean): string[] {
  const model = modelOfResources({
    KeyA: DEFAULT_POLICY_KEY,
    KeyB: DEFAULT_POLICY_KEY,
    // In the model's order: a role naming the other key, one naming KeyA, one with a pattern, one with both forms.
    NamesB: roleResource('NamesB', 'names-b', [kmsInlinePolicy(grant(KEY_B))]),
    NamesA: roleResource('NamesA', 'names-a', [kmsInlinePolicy(grant(KEY_A))]),
    Pattern: roleResource('Pattern', 'pattern', [kmsInlinePolicy(grant('arn:aws:kms:us-east-1:111122223333:key/*'))]),
    Both: roleResource('Both', 'both', [kmsInlinePolicy(grant(KEY_A), grant('*', 'kms:Decrypt'))]),
    NoKms: roleResource('NoKms', 'no-kms', [kmsInlinePolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })]),
  });
  const keyA = model.keys.find((k) => k.logicalId === 'KeyA')!;
  return identityCandidates(model, keyA, needs).map((p) => p.logicalId);
}

describe('identityCandidates', () => {
  test.each([
    ['CreateGrant: the roles naming the key or a pattern, in the model order', (a: ReadonlySet<string>) => a.has('kms:CreateGrant'), ['NamesA', 'Pattern', 'Both']],
    ['Decrypt: only the role whose "*" grants it', (a: ReadonlySet<string>) => a.has('kms:Decrypt'), ['Both']],
    ['an action no role is granted: none', (a: ReadonlySet<string>) => a.has('kms:ScheduleKeyDeletion'), []],
    // A `needs` that accepts no action at all asks every principal of the account (the index cannot narrow it).
    ['a need every principal meets: all, in the model order', () => true, ['NamesB', 'NamesA', 'Pattern', 'Both', 'NoKms']],
  ])('%s', (_name, needs, expected) => {
    expect(candidates(needs)).toEqual(expected);
  });
});
