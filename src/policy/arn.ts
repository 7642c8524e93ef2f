/**
 * Amazon Resource Names: `arn:partition:service:region:account:resource`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
import { BoundedCache } from './bounded-cache';

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon, e.g. `key/1234abcd-...` or `assumed-role/Role/session`. */
  readonly resource: string;
}

const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);

/**
 * Parses an ARN; undefined when the text is not one (wrong prefix, too few parts, unknown partition). Finds the five
 * delimiting colons with indexOf rather than split(':'): every scenario parses several ARNs, and the resource
 * component keeps any further colons anyway.
 */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const partitionEnd = text.indexOf(':', 4);
  const serviceEnd = partitionEnd < 0 ? -1 : text.indexOf(':', partitionEnd + 1);
  const regionEnd = serviceEnd < 0 ? -1 : text.indexOf(':', serviceEnd + 1);
  const accountEnd = regionEnd < 0 ? -1 : text.indexOf(':', regionEnd + 1);
  if (accountEnd < 0) return undefined;
  const partition = text.slice(4, partitionEnd);
  if (!PARTITIONS.has(partition) || serviceEnd === partitionEnd + 1) return undefined;
  return {
    partition,
    service: text.slice(partitionEnd + 1, serviceEnd),
    region: text.slice(serviceEnd + 1, regionEnd),
    account: text.slice(regionEnd + 1, accountEnd),
    resource: text.slice(accountEnd + 1),
  };
}

/** A 12-digit AWS account id. */
export function isAccountId(text: string): boolean {
  if (text.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export interface KeyArn extends Arn {
  readonly keyId: string;
}

/** Key ARNs by text: scenarios and policies name the same keys again and again. Parsed ARNs are immutable. */
const keyArnCache = new BoundedCache<KeyArn | null>(61);

/**
 * Parses a KMS key ARN (`arn:aws:kms:us-east-1:111122223333:key/<id>`); undefined for anything else, aliases included,
 * and for patterns: a wildcard (`key/*`, a Region `*`) makes the text cover many keys, so it names none.
 */
export function parseKeyArn(text: string): KeyArn | undefined {
  let parsed = keyArnCache.get(text);
  if (parsed === undefined) {
    parsed = readKeyArn(text) ?? null;
    keyArnCache.set(text, parsed);
  }
  return parsed ?? undefined;
}

function readKeyArn(text: string): KeyArn | undefined {
  if (hasArnWildcard(text)) return undefined;
  const arn = parseArn(text);
  if (!arn || arn.service !== 'kms' || !isAccountId(arn.account) || arn.region === '') return undefined;
  if (!arn.resource.startsWith('key/') || arn.resource.length <= 4) return undefined;
  // Written out rather than spread: a spread plus an added property is far slower in V8 and loads the GC.
  const { partition, service, region, account, resource } = arn;
  return Object.freeze({ partition, service, region, account, resource, keyId: resource.slice(4) });
}

/** Parses a KMS alias ARN (`arn:aws:kms:us-east-1:111122223333:alias/name`); undefined for a pattern (`alias/*`). */
export function parseAliasArn(text: string): (Arn & { readonly aliasName: string }) | undefined {
  if (hasArnWildcard(text)) return undefined;
  const arn = parseArn(text);
  if (!arn || arn.service !== 'kms' || !isAccountId(arn.account) || !arn.resource.startsWith('alias/')) return undefined;
  const { partition, service, region, account, resource } = arn;
  return { partition, service, region, account, resource, aliasName: resource };
}

/** Whether an ARN text holds a wildcard (`*` or `?`): it is then a pattern, which Resource elements use, not a name. */
export function hasArnWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}
