/**
 * How the aspect and the self-validating constructs report findings at a construct: error findings as the messages
 * `node.addValidation` returns (so synthesis fails, `[construct path] message`), warnings as warning annotations with
 * the finding's acknowledgement id. Acknowledged findings are left out.
 */
import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgement } from './acknowledgements';
import { PlacedFinding } from './app-findings';
import { acknowledgementId } from '../rules/finding';

/** The error messages of `findings`; their warnings become warning annotations on `node`. */
export function reportFindings(node: IConstruct, findings: readonly PlacedFinding[]): string[] {
  const errors: string[] = [];
  for (const placed of findings) {
    const id = acknowledgementId(placed.finding);
    if (acknowledgement(placed.construct, id) !== undefined) continue;
    const text = describe(placed);
    if (placed.finding.severity === 'error') errors.push(text);
    else Annotations.of(node).addWarningV2(id, text);
  }
  return errors;
}

/** `KmsGuard-Rule[Id] (key policy, Sid "X", Principal): message`. */
export function describe(placed: PlacedFinding): string {
  const at = placed.finding.location;
  const where = [at.policy, at.statement, at.field].filter((x) => x !== undefined).join(', ');
  return `${acknowledgementId(placed.finding)}${where ? ` (${where})` : ''}: ${placed.finding.message}`;
}
