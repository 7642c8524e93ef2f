// The public (jsii) surface only. Internal modules stay unexported.
export * from './evaluator/kms-access-evaluator';
export * from './constructs/key-capability';
export * from './constructs/guarded-kms-key';
export * from './constructs/cross-account-key-share';
export * from './constructs/vpce-restricted-key';
export * from './validation/kms-guard-aspect';
export * from './validation/kms-guard-checks';
export * from './testing/key-access-snapshot';
