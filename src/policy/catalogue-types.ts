/** Facts about one KMS API action, from the AWS KMS permissions reference. */
export interface ActionFacts {
  /** Action name without the `kms:` prefix, e.g. `Decrypt`. */
  readonly name: string;
  /**
   * `key-policy`: a KMS key resource operation, controlled by the key policy (and IAM when the key policy delegates);
   * `iam-only`: no key resource (CreateKey, ListKeys, ...), only IAM-side policies decide it, with `Resource: "*"`;
   * `iam-only-retire`: RetireGrant, "not effective in a key policy";
   * `internal`: called by KMS itself (SynchronizeMultiRegionKey), not in the permissions table.
   */
  readonly policyType: 'key-policy' | 'iam-only' | 'iam-only-retire' | 'internal';
  /** The permissions table's "Cross-account use" column is "Yes". */
  readonly crossAccount: boolean;
  /** Can appear in a grant's Operations. */
  readonly grantOperation: boolean;
  readonly cryptographic: boolean;
  /** A KMS key resource operation: key-property condition keys (kms:KeySpec, ...) exist for it. */
  readonly keyResource: boolean;
  /** Resources the action is authorized on: `key`, `alias`, or none (IAM `Resource: "*"`). */
  readonly resources: readonly string[];
  /** Condition keys the action supports; prefixes such as `kms:EncryptionContext:` stand for a family. */
  readonly conditionKeys: readonly string[];
}

/** Facts about one condition key, from the KMS and IAM documentation. */
export interface ConditionKeyFacts {
  /** Key name, or the prefix of a family (`kms:EncryptionContext:`, `aws:PrincipalTag/`) when `prefix` is true. */
  readonly name: string;
  readonly prefix: boolean;
  /** IAM condition type: String, Bool, Numeric, Date, ARN, IpAddress, Binary. */
  readonly type: string;
  /** Multi-valued keys need ForAnyValue/ForAllValues. */
  readonly multiValued: boolean;
}
