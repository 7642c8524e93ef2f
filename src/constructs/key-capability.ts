/**
 * What a principal may do with a key. Each capability is a least-privilege set of KMS actions
 * (`src/policy/catalogue.ts`, `PermissionSets`); administrators are declared separately and never get these.
 */
export enum KeyCapability {
  /** Encrypt, ReEncryptTo, GenerateDataKey, GenerateDataKeyWithoutPlaintext, DescribeKey. */
  ENCRYPT = 'encrypt',
  /** Decrypt, ReEncryptFrom, DescribeKey. */
  DECRYPT = 'decrypt',
  /** ENCRYPT and DECRYPT. */
  ENCRYPT_DECRYPT = 'encrypt-decrypt',
  /** GenerateDataKey, GenerateDataKeyWithoutPlaintext, DescribeKey. */
  GENERATE_DATA_KEY = 'generate-data-key',
  /** GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, DescribeKey. */
  GENERATE_DATA_KEY_PAIR = 'generate-data-key-pair',
  /** Sign, GetPublicKey, DescribeKey. */
  SIGN = 'sign',
  /** Verify, GetPublicKey, DescribeKey. */
  VERIFY = 'verify',
  /** SIGN and VERIFY. */
  SIGN_VERIFY = 'sign-verify',
  /** GenerateMac, DescribeKey. */
  GENERATE_MAC = 'generate-mac',
  /** VerifyMac, DescribeKey. */
  VERIFY_MAC = 'verify-mac',
  /**
   * CreateGrant, ListGrants and RevokeGrant, only when an integrated AWS service calls them on the principal's behalf
   * (kms:GrantIsForAWSResource), as EBS, RDS and Redshift do.
   */
  GRANT_FOR_AWS_RESOURCE = 'grant-for-aws-resource',
}
