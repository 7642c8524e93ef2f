/**
 * Plain JSON shapes of IAM policy documents, as the builders produce them and as CloudFormation receives them. Values
 * may be CDK token strings: builders never inspect them, so they stay pure.
 */
export type ConditionJson = Record<string, Record<string, string | string[]>>;

export interface StatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string | string[];
  Condition?: ConditionJson;
}

export interface PolicyJson {
  Version: '2012-10-17';
  Statement: StatementJson[];
}

/**
 * Merges condition blocks (all must hold). Two blocks may not constrain the same operator and key: IAM would OR their
 * values, which would widen what either block meant, so that is reported instead.
 */
export function mergeConditions(...blocks: Array<ConditionJson | undefined>): { merged?: ConditionJson; conflict?: string } {
  const merged: ConditionJson = {};
  for (const block of blocks) {
    if (!block) continue;
    for (const [operator, keys] of Object.entries(block)) {
      const target = (merged[operator] ??= {});
      for (const [key, value] of Object.entries(keys)) {
        if (key in target && JSON.stringify(target[key]) !== JSON.stringify(value)) {
          return { conflict: `${operator} ${key} is required to be both ${JSON.stringify(target[key])} and ${JSON.stringify(value)}` };
        }
        target[key] = value;
      }
    }
  }
  return { merged: Object.keys(merged).length > 0 ? merged : undefined };
}

/** Like {@link mergeConditions}, but a contradiction is an error (builders call it with intent the user declared). */
export function mergeConditionsOrThrow(...blocks: Array<ConditionJson | undefined>): ConditionJson | undefined {
  const { merged, conflict } = mergeConditions(...blocks);
  if (conflict) throw new Error(`contradictory conditions: ${conflict}`);
  return merged;
}
