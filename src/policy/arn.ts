/**
 * Amazon Resource Names: `arn:partition:service:region:account:resource`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon, e.g. `key/1234abcd-...` or `assumed-role/Role/session`. */
  readonly resource: string;
}

const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);

/** Parses an ARN; undefined when the text is not one (wrong prefix, too few parts, unknown partition). */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  const [, partition, service, region, account] = parts;
  if (!PARTITIONS.has(partition) || service === '') return undefined;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** A 12-digit AWS account id. */
export function isAccountId(text: string): boolean {
  return /^\d{12}$/.test(text);
}

export interface KeyArn extends Arn {
  readonly keyId: string;
}

/** Parses a KMS key ARN (`arn:aws:kms:us-east-1:111122223333:key/<id>`); undefined for anything else, aliases included. */
export function parseKeyArn(text: string): KeyArn | undefined {
  const arn = parseArn(text);
  if (!arn || arn.service !== 'kms' || !isAccountId(arn.account) || arn.region === '') return undefined;
  if (!arn.resource.startsWith('key/') || arn.resource.length <= 4) return undefined;
  return { ...arn, keyId: arn.resource.slice(4) };
}

/** Parses a KMS alias ARN (`arn:aws:kms:us-east-1:111122223333:alias/name`). */
export function parseAliasArn(text: string): (Arn & { readonly aliasName: string }) | undefined {
  const arn = parseArn(text);
  if (!arn || arn.service !== 'kms' || !isAccountId(arn.account) || !arn.resource.startsWith('alias/')) return undefined;
  return { ...arn, aliasName: arn.resource };
}
