/**
 * Acknowledged findings, as cdk-nag 3 reads them: `Validations.of(construct).acknowledge({ id, reason })` records
 * `{ [id]: reason }` under the `aws:cdk:acknowledged-rules` metadata of the construct (ids without a `::` prefix are
 * stored as `annotation::<id>`). A finding is acknowledged when its id appears on its construct or an ancestor.
 */
import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The reason a finding with this acknowledgement id (`KmsGuard-Rule[Kind::Value]`) was acknowledged, if it was. */
export function acknowledgement(construct: IConstruct, id: string): string | undefined {
  for (let current: IConstruct | undefined = construct; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof entry.data !== 'object' || entry.data === null) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        // aws-cdk-lib < 2.262.1 wrote `annotation::`, later versions `Annotation::`.
        if (key.replace(/^annotation::/i, '') === id) return typeof reason === 'string' ? reason : '';
      }
    }
  }
  return undefined;
}
