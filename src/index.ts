// The public (jsii) surface only. Internal modules stay unexported.
export * from './evaluator/kms-access-evaluator';
