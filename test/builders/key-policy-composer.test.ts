import { KeyPolicyComposer } from '../../src/builders/key-policy-composer';
import { StatementJson } from '../../src/builders/policy-json';

const allow = (principal: string, actions: string[], condition?: StatementJson['Condition']): StatementJson => ({
  Effect: 'Allow', Principal: { AWS: principal }, Action: actions, Resource: '*', ...(condition ? { Condition: condition } : {}),
});
const ROOT = 'arn:aws:iam::111122223333:root';

describe('KeyPolicyComposer', () => {
  test('statements that differ only in their principal merge into one with a principal list', () => {
    const c = new KeyPolicyComposer();
    c.add(allow('arn:aws:iam::111122223333:role/a', ['kms:Decrypt']), { sid: 'Use' });
    c.add(allow('arn:aws:iam::111122223333:role/b', ['kms:Decrypt']), { sid: 'Use' });
    c.add(allow('arn:aws:iam::111122223333:role/a', ['kms:Decrypt']), { sid: 'Use' });
    const [s] = c.render();
    expect(c.statementCount).toBe(1);
    expect(s.Principal).toEqual({ AWS: ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'] });
  });

  test.each([
    ['other actions', allow('arn:aws:iam::111122223333:role/b', ['kms:Encrypt'])],
    ['other conditions', allow('arn:aws:iam::111122223333:role/b', ['kms:Decrypt'], { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } })],
    ['another effect', { ...allow('arn:aws:iam::111122223333:role/b', ['kms:Decrypt']), Effect: 'Deny' as const }],
  ])('statements with %s stay apart', (_, other) => {
    const c = new KeyPolicyComposer();
    c.add(allow('arn:aws:iam::111122223333:role/a', ['kms:Decrypt']), { sid: 'Use' });
    c.add(other, { sid: 'Use' });
    expect(c.statementCount).toBe(2);
  });

  test('narrowed statements accumulate their narrowing values, per account', () => {
    const c = new KeyPolicyComposer();
    const narrowing = (v: string) => ({ operator: 'ArnEquals', key: 'aws:PrincipalArn', values: [v] });
    c.addNarrowed(allow(ROOT, ['kms:Decrypt']), narrowing('arn:aws:iam::111122223333:role/a'), { sid: 'Use' });
    c.addNarrowed(allow(ROOT, ['kms:Decrypt']), narrowing('arn:aws:iam::111122223333:role/b'), { sid: 'Use' });
    c.addNarrowed(allow('arn:aws:iam::444455556666:root', ['kms:Decrypt']), narrowing('arn:aws:iam::444455556666:role/c'), { sid: 'Use' });
    const statements = c.render();
    expect(statements).toHaveLength(2);
    expect(statements[0].Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'] } });
    expect(statements[1].Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/c' } });
  });

  test('a narrowing that contradicts a given condition is an error', () => {
    const c = new KeyPolicyComposer();
    expect(() => c.addNarrowed(allow(ROOT, ['kms:Decrypt'], { ArnEquals: { 'aws:PrincipalArn': 'x' } }),
      { operator: 'ArnEquals', key: 'aws:PrincipalArn', values: ['y'] }, { sid: 'Use' })).toThrow(/contradictory conditions/);
  });

  test('Sids come from content: the same statement has the same Sid whatever was added before it or to its principals', () => {
    const sidOf = (before: boolean, principals: string[]) => {
      const c = new KeyPolicyComposer();
      if (before) c.add(allow('arn:aws:iam::111122223333:role/z', ['kms:Sign']), { sid: 'Use' });
      for (const p of principals) c.add(allow(p, ['kms:Decrypt']), { sid: 'Use' });
      return c.render().find((s) => s.Action === 'kms:Decrypt')!.Sid;
    };
    const sid = sidOf(false, ['arn:aws:iam::111122223333:role/a']);
    expect(sid).toMatch(/^Use[0-9a-f]{8}$/);
    expect(sidOf(true, ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'])).toBe(sid);
  });

  test('Sids are hashed from resolved values, so token numbering does not change them', () => {
    const render = (token: string) => {
      const c = new KeyPolicyComposer();
      c.add(allow('arn:aws:iam::111122223333:role/a', ['kms:Decrypt'], { StringEquals: { 'kms:ViaService': token } }), { sid: 'Use' });
      return c.render((v) => JSON.parse(JSON.stringify(v).replace(token, 's3.us-east-1.amazonaws.com')))[0].Sid;
    };
    expect(render('${Token[TOKEN.1]}')).toBe(render('${Token[TOKEN.999]}'));
  });

  test('a fixed Sid is kept, merges principals, and refuses different content', () => {
    const c = new KeyPolicyComposer();
    c.add(allow('arn:aws:iam::111122223333:role/a', ['kms:PutKeyPolicy']), { sid: 'KeyAdministration', fixedSid: true });
    c.add(allow('arn:aws:iam::111122223333:role/b', ['kms:PutKeyPolicy']), { sid: 'KeyAdministration', fixedSid: true });
    expect(c.render()[0]).toMatchObject({ Sid: 'KeyAdministration', Principal: { AWS: ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'] } });
    expect(() => c.add(allow('arn:aws:iam::111122223333:role/c', ['kms:Decrypt']), { sid: 'KeyAdministration', fixedSid: true }))
      .toThrow(/already has a statement with Sid "KeyAdministration" and different content/);
  });
});
