/**
 * diffAccess on hand-made analyses: condition sets compared by inclusion ('conditional under X' -> 'allowed' is added
 * access, 'allowed' -> 'conditional' is removed and narrowed), uncertain changes, identities (keys by construct path
 * then stack and logical id, subjects by id whatever their ARN), keys that cannot be evaluated, and the
 * --fail-on-new-access rule.
 */
import { AccessPath, ActionAccess, KeyAccess, Requirement, SubjectAccess } from '../../src/analysis/access/model';
import { diffAccess, failsOnNewAccess } from '../../src/report/access-diff';

const EC_APP: Requirement = { kind: 'encryption-context', key: 'kms:EncryptionContext:app', value: 'orders', match: 'equals' };
const VIA_S3: Requirement = { kind: 'context', key: 'kms:ViaService', value: 's3.us-east-1.amazonaws.com', match: 'equals' };

function path(requires: Requirement[], certain = true, sid = 'Use'): AccessPath {
  return { requires, certain, decidedBy: [{ policy: 'key policy', statement: `Sid "${sid}"`, effect: 'Allow' }], conditions: [] };
}

function action(name: string, paths: AccessPath[] | 'denied', usable = true): ActionAccess {
  if (paths === 'denied') return { action: name, answer: 'denied' };
  const certain = paths.filter((p) => p.certain);
  const answer = certain.length === 0 ? 'uncertain' : certain.some((p) => p.requires.length === 0) ? 'allowed' : 'conditional';
  return { action: name, answer, paths, ...(usable ? {} : { usable: false }) };
}

function subject(id: string, arn: string, decrypt: ActionAccess): SubjectAccess {
  return {
    subject: { id, kind: 'app-principal', label: `role ${id.replace(/^app:/, '')}`, arn, representative: false, syntheticArn: true },
    answer: decrypt.answer,
    capabilities: [{ capability: 'decrypt', answer: decrypt.answer, usable: true, actions: [decrypt] }],
    unknowns: [],
    notes: [],
  };
}

function key(subjects: SubjectAccess[], where: { constructPath?: string; logicalId?: string; evaluated?: boolean } = {}): KeyAccess {
  return {
    key: {
      stackName: 'S',
      logicalId: where.logicalId ?? 'Key1234',
      ...(where.constructPath !== null ? { constructPath: where.constructPath ?? 'S/Key/Resource' } : {}),
      arn: 'arn:aws:kms:us-east-1:111122223333:key/1',
      accountIsPlaceholder: false,
      aliases: [],
      account: '111122223333',
      region: 'us-east-1',
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
    },
    subjects,
    evaluated: where.evaluated ?? true,
    notes: where.evaluated === false ? ['the key policy is invalid, so KMS would reject it'] : [],
  };
}

const role = (decrypt: ActionAccess, arn = 'arn:aws:iam::111122223333:role/S-Reader-AAAA'): SubjectAccess => subject('app:S/Reader', arn, decrypt);

describe('diffAccess', () => {
  test('GIVEN conditional under X becoming allowed THEN added (the plain request), nothing removed', () => {
    const d = diffAccess([key([role(action('kms:Decrypt', [path([EC_APP])]))])], [key([role(action('kms:Decrypt', [path([])]))])]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'added', key: 'S/Key', subject: 'app:S/Reader', actions: ['kms:Decrypt'], requires: [] })]);
    expect(d.counts).toEqual({ added: 1, removed: 0, becameUncertain: 0, noLongerUncertain: 0 });
    expect(failsOnNewAccess(d)).toBe(true);
  });

  test('GIVEN allowed becoming conditional under X THEN removed and narrowed, nothing added', () => {
    const d = diffAccess([key([role(action('kms:Decrypt', [path([])]))])], [key([role(action('kms:Decrypt', [path([EC_APP])]))])]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'removed', requires: [], narrowed: true })]);
    expect(failsOnNewAccess(d)).toBe(false);
  });

  test('GIVEN conditional under X becoming conditional under X and Y THEN narrowed; the reverse is added', () => {
    const x = key([role(action('kms:Decrypt', [path([EC_APP])]))]);
    const xy = key([role(action('kms:Decrypt', [path([EC_APP, VIA_S3])]))]);
    expect(diffAccess([x], [xy]).changes).toEqual([expect.objectContaining({ kind: 'removed', requires: [EC_APP], narrowed: true })]);
    expect(diffAccess([xy], [x]).changes).toEqual([expect.objectContaining({ kind: 'added', requires: [EC_APP] })]);
  });

  test('GIVEN a second, different condition set added THEN only that path is added', () => {
    const d = diffAccess([key([role(action('kms:Decrypt', [path([EC_APP])]))])], [key([role(action('kms:Decrypt', [path([EC_APP]), path([VIA_S3])]))])]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'added', requires: [VIA_S3] })]);
  });

  test('GIVEN denied becoming uncertain THEN became-uncertain, and --fail-on-new-access fails', () => {
    const d = diffAccess([key([role(action('kms:Decrypt', 'denied'))])], [key([role(action('kms:Decrypt', [path([], false)]))])]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'became-uncertain', requires: [] })]);
    expect(failsOnNewAccess(d)).toBe(true);
  });

  test('GIVEN allowed becoming uncertain THEN removed with nowUncertain, not added; uncertain becoming denied THEN no-longer-uncertain', () => {
    const d = diffAccess([key([role(action('kms:Decrypt', [path([])]))])], [key([role(action('kms:Decrypt', [path([], false)]))])]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'removed', nowUncertain: true })]);
    expect(failsOnNewAccess(d)).toBe(false);
    const e = diffAccess([key([role(action('kms:Decrypt', [path([], false)]))])], [key([role(action('kms:Decrypt', 'denied'))])]);
    expect(e.changes).toEqual([expect.objectContaining({ kind: 'no-longer-uncertain' })]);
    expect(failsOnNewAccess(e)).toBe(false);
  });

  test('GIVEN the same access under another generated role ARN and another Sid THEN no change (subjects by id)', () => {
    const d = diffAccess(
      [key([role(action('kms:Decrypt', [path([EC_APP], true, 'UseA')]))])],
      [key([role(action('kms:Decrypt', [path([EC_APP], true, 'UseB')]), 'arn:aws:iam::111122223333:role/S-Reader-BBBB')])],
    );
    expect(d.changes).toEqual([]);
    expect(failsOnNewAccess(d)).toBe(false);
  });

  test('GIVEN an action the key cannot serve THEN it is left out', () => {
    const d = diffAccess([key([role(action('kms:Decrypt', 'denied'))])], [key([role(action('kms:Decrypt', [path([])], false))])]);
    expect(d.changes).toEqual([]);
  });

  test('GIVEN a key whose logical id changed but construct path did not THEN matched by path', () => {
    const d = diffAccess([key([role(action('kms:Decrypt', [path([])]))], { logicalId: 'KeyOLD' })], [key([role(action('kms:Decrypt', [path([])]))], { logicalId: 'KeyNEW' })]);
    expect(d).toMatchObject({ keysAdded: [], keysRemoved: [], changes: [] });
  });

  test('GIVEN keys without construct paths THEN matched by stack and logical id; another logical id is a key added and one removed', () => {
    const a = key([role(action('kms:Decrypt', [path([])]))], { constructPath: null as unknown as string });
    expect(diffAccess([a], [a]).changes).toEqual([]);
    const b = key([role(action('kms:Decrypt', [path([])]))], { constructPath: null as unknown as string, logicalId: 'Other' });
    const d = diffAccess([a], [b]);
    expect(d.keysAdded).toEqual([{ path: 'S/Other', stackName: 'S', logicalId: 'Other' }]);
    expect(d.keysRemoved).toEqual([{ path: 'S/Key1234', stackName: 'S', logicalId: 'Key1234' }]);
    expect(d.changes.map((c) => `${c.kind} ${c.key}`)).toEqual(['added S/Other', 'removed S/Key1234']);
  });

  test('GIVEN a key that cannot be evaluated in NEW THEN it is listed, no change is invented, and --fail-on-new-access fails', () => {
    const d = diffAccess([key([role(action('kms:Decrypt', [path([])]))])], [key([], { evaluated: false })]);
    expect(d.changes).toEqual([]);
    expect(d.keysNotEvaluated).toEqual([{ key: 'S/Key', side: 'new', reason: 'the key policy is invalid, so KMS would reject it' }]);
    expect(failsOnNewAccess(d)).toBe(true);
  });

  test('GIVEN several actions with the same change THEN one change listing them', () => {
    const two = (paths: AccessPath[] | 'denied'): SubjectAccess => {
      const s = role(action('kms:Decrypt', paths));
      return { ...s, capabilities: [{ ...s.capabilities[0], actions: [action('kms:Decrypt', paths), action('kms:ReEncryptFrom', paths)] }] };
    };
    const d = diffAccess([key([two('denied')])], [key([two([path([EC_APP])])])]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'added', actions: ['kms:Decrypt', 'kms:ReEncryptFrom'], capabilities: ['decrypt'], requires: [EC_APP] })]);
  });
});
