/**
 * Every condition operator IAM defines, by its base name (without set operator or IfExists), from the family files.
 * Source: reference_policies_elements_condition_operators.md.
 */
import { ARN_OPERATORS } from './arn';
import { BINARY_OPERATORS } from './binary';
import { BOOL_OPERATORS } from './bool';
import { DATE_OPERATORS } from './date';
import { IP_OPERATORS } from './ip';
import { NULL_OPERATOR } from './null';
import { NUMERIC_OPERATORS } from './numeric';
import { STRING_OPERATORS } from './string';
import { OperatorDefinition } from './types';

const ALL: readonly OperatorDefinition[] = [
  ...STRING_OPERATORS,
  ...NUMERIC_OPERATORS,
  ...DATE_OPERATORS,
  ...BOOL_OPERATORS,
  ...BINARY_OPERATORS,
  ...IP_OPERATORS,
  ...ARN_OPERATORS,
  NULL_OPERATOR,
];

/** Operators by exact base name (`StringEquals`, `NotIpAddress`, `Null`, ...). */
export const OPERATORS: ReadonlyMap<string, OperatorDefinition> = new Map(ALL.map((o) => [o.name, o]));
