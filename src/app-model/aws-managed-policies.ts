/**
 * What the summary assumes about AWS managed policies, whose documents are not in the templates.
 *
 * Most are unknown offline and only noted. A few matter so much, or are so common, that guessing nothing would
 * mislead: AdministratorAccess allows every action (ignoring it would report an admin role as unable to use a key
 * that delegates to the account), and the Lambda execution roles CDK attaches to every function allow no KMS action
 * (noting them as unknown on every function role would bury the notes that matter).
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html
 */

/** What is known about one AWS managed policy's effect on KMS. */
export type ManagedPolicyKnowledge =
  | { readonly kind: 'document'; readonly document: unknown }
  | { readonly kind: 'no-kms' }
  | { readonly kind: 'unknown' };

const AWS_MANAGED = /^arn:[a-z-]+:iam::aws:policy\/(.+)$/;

const KNOWN: Readonly<Record<string, ManagedPolicyKnowledge>> = {
  'AdministratorAccess': {
    kind: 'document',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  // Its first statement allows everything but IAM, Organizations and Account; the second adds a few IAM reads.
  'PowerUserAccess': {
    kind: 'document',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }] },
  },
  'service-role/AWSLambdaBasicExecutionRole': { kind: 'no-kms' },
  'service-role/AWSLambdaVPCAccessExecutionRole': { kind: 'no-kms' },
};

/** What is known about the managed policy `arn`; `unknown` for customer managed policies outside the app too. */
export function managedPolicyKnowledge(arn: string): ManagedPolicyKnowledge {
  const name = AWS_MANAGED.exec(arn)?.[1];
  return name !== undefined && Object.prototype.hasOwnProperty.call(KNOWN, name) ? KNOWN[name] : { kind: 'unknown' };
}
