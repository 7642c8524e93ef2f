/**
 * reachingDocuments (src/rules/support/reaching-documents.ts) finds, in one pass over the documents' KMS grants, the
 * identity documents that may name a key of the app, in the order a walk of keys, then principals, then documents
 * meets each first. Pinned here against that walk itself (keys x principals x documents, by Action and Resource), on
 * random apps whose resources are key ARNs, patterns, other ARNs and values unknown offline.
 */
import * as fc from 'fast-check';
import { AppModel } from '../../src/app-model/app-model';
import { identityActionsOn } from '../../src/rules/support/principals';
import { reachingDocuments } from '../../src/rules/support/reaching-documents';

const KEY_ARNS = [1, 2, 3, 4].map((i) => `arn:aws:kms:us-east-1:111122223333:key/0000000${i}-aaaa-bbbb-cccc-000000000000`);
const RESOURCES = [
  ...KEY_ARNS,
  'arn:aws:kms:us-east-1:111122223333:key/*',
  'arn:aws:kms:*:111122223333:key/0000000?-aaaa-bbbb-cccc-000000000000',
  'arn:aws:kms:eu-west-1:111122223333:key/*',
  'arn:aws:s3:::bucket/*',
  '*',
  '${Token[TOKEN.12]}',
];
const ACTIONS = ['kms:Decrypt', 'kms:*', 's3:GetObject', 'kms:Encrypt'];

const statement = fc.record({
  Effect: fc.constantFrom('Allow', 'Deny'),
  Action: fc.subarray(ACTIONS, { minLength: 1 }),
  resources: fc.subarray(RESOURCES, { minLength: 1 }),
  notResource: fc.boolean(),
}).map(({ Effect, Action, resources, notResource }) => ({ Effect, Action, ...(notResource ? { NotResource: resources } : { Resource: resources }) }));

const app = fc.record({
  keys: fc.array(fc.constantFrom(...KEY_ARNS, ''), { maxLength: 4 }),
  principals: fc.array(fc.array(fc.array(statement, { minLength: 1, maxLength: 3 }), { maxLength: 3 }), { maxLength: 5 }),
}).map(({ keys, principals }) => ({
  keys: keys.map((arn) => ({ arn })),
  principals: principals.map((docs, i) => ({
    stackName: 'S',
    logicalId: `Role${i}`,
    identityPolicies: docs.map((Statement) => ({ Version: '2012-10-17', Statement })),
    identityPolicySources: docs.map((_d, j) => `policy S/Role${i}Policy${j}`),
  })),
}) as unknown as AppModel);

/** The definition: walk keys, then principals, then documents; keep each document the first time it may name the key. */
function walk(model: AppModel): Array<{ principal: unknown; index: number; source: string }> {
  const out: Array<{ principal: unknown; index: number; source: string }> = [];
  const seen = new Set<string>();
  for (const key of model.keys) {
    for (const p of model.principals) {
      p.identityPolicies.forEach((document, index) => {
        const once = `${p.stackName}/${p.logicalId}#${index}`;
        if (seen.has(once) || identityActionsOn([document], key.arn).size === 0) return;
        seen.add(once);
        out.push({ principal: p, index, source: p.identityPolicySources[index] });
      });
    }
  }
  return out;
}

describe('reachingDocuments', () => {
  test('gives exactly the documents, in the order, of the walk over keys, principals and documents', () => {
    fc.assert(fc.property(app, (model) => {
      const got = reachingDocuments(model).map((d) => ({ principal: d.principal, index: d.index, source: d.source }));
      expect(got).toEqual(walk(model));
    }), { numRuns: 500 });
  });

  test('a document reached through a later key comes after one reached through an earlier key', () => {
    const model = {
      keys: [{ arn: KEY_ARNS[0] }, { arn: KEY_ARNS[1] }],
      principals: [
        { stackName: 'S', logicalId: 'A', identityPolicies: [{ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARNS[1] }] }], identityPolicySources: ['a'] },
        { stackName: 'S', logicalId: 'B', identityPolicies: [{ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARNS[0] }] }], identityPolicySources: ['b'] },
        { stackName: 'S', logicalId: 'C', identityPolicies: [{ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }], identityPolicySources: ['c'] },
      ],
    } as unknown as AppModel;
    expect(reachingDocuments(model).map((d) => d.source)).toEqual(['b', 'a']);
  });
});
