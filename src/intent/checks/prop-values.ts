/**
 * Checks of single prop values the constructs write into policies or resources, so that a value AWS would refuse, or
 * one that would silently match nothing or everything, fails at construction with the prop and the value named,
 * rather than deep inside aws-cdk-lib or never. Each returns what is wrong (to follow "<prop> <value> ..."), or
 * undefined. Values that are tokens are the caller's to skip: they are known only at deploy time. Pure.
 */
import { parseKeyArn } from '../../policy/arn';
import { describeCharacter, firstBadCharacter } from '../../policy/characters';

/**
 * An alias name as given (with or without `alias/`): 1-256 characters after `alias/`, only letters, digits, `/`,
 * `_` and `-`, and never `alias/aws/...`, which AWS keeps for AWS managed keys (alias-about.md).
 */
export function aliasNameProblem(alias: string): string | undefined {
  const name = alias.startsWith('alias/') ? alias.slice('alias/'.length) : alias;
  if (name === '') return 'is empty: expected a name after alias/ (1 to 256 letters, digits, /, _ or -)';
  if (name.startsWith('aws/')) return 'starts with alias/aws/, which AWS keeps for AWS managed keys (alias-about.md): choose another name';
  const bad = /[^a-zA-Z0-9/_-]/.exec(name);
  if (bad) {
    const character = firstBadCharacter(bad[0], false);
    const what = character ? describeCharacter(character) : JSON.stringify(bad[0]);
    return `holds ${what}, and alias names hold only letters, digits, /, _ and - (alias-about.md): remove it`;
  }
  if (name.length > 256) return `is ${name.length} characters after alias/: at most 256`;
  return undefined;
}

/** A VPC id compared exactly by aws:SourceVpc: `vpc-` and 8 or 17 hexadecimal digits, no wildcard. */
export function vpcIdProblem(id: string): string | undefined {
  if (/^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) return undefined;
  return /[*?]/.test(id)
    ? 'holds a wildcard, but the key policy compares aws:SourceVpc exactly (StringNotEquals), so it would match no VPC: name each VPC'
    : 'is not a VPC id: expected vpc- and 8 or 17 hexadecimal digits (vpc-0a1b2c3d4e5f67890)';
}

/** A KMS key ARN naming one key: `arn:PARTITION:kms:REGION:ACCOUNT:key/ID`, no wildcard. */
export function keyArnProblem(arn: string): string | undefined {
  if (/[*?]/.test(arn)) return 'holds a wildcard, so it would admit many keys (every key, for "*"): name each key by its ARN';
  return parseKeyArn(arn) ? undefined : 'is not a KMS key ARN: expected arn:aws:kms:REGION:ACCOUNT:key/KEY-ID';
}
