/**
 * KmsGuard-EndpointDenyBreaksServices: a key-policy Deny that tests a key present only through a VPC endpoint
 * (aws:SourceVpce, aws:SourceVpc, aws:SourceVpcArn, aws:VpcSourceIp: policy/endpoint-keys.ts; deny unless the request
 * comes through an endpoint or VPC) must not deny the AWS services that use the key. An integrated service (S3, EBS,
 * RDS, Secrets Manager, Lambda, ... on the caller's behalf; CloudWatch Logs and CloudTrail as themselves) calls KMS
 * from its own network, never through the app's VPC endpoint, so its requests carry none of those keys: "If you
 * restrict requests for a KMS key to a VPC or VPC endpoint, calls to AWS KMS from an integrated service, such as
 * Amazon S3 or Amazon EBS, might fail. This can happen even if the source request ultimately
 * originates in the VPC or from the VPC endpoint" (conditions-aws.md, "Using VPC endpoint conditions"; the same
 * warning in kms-vpc-endpoint.md). The exemptions that keep them working: aws:ViaAWSService / kms:ViaService for calls
 * on a caller's behalf, aws:PrincipalIsAWSService for a service principal (what VpceRestrictedKey writes).
 *
 * Which services use the key: the app's resources encrypted with it (model.encryptedResources) and the services the
 * key policy delegates to (kms:ViaService values of its Allow statements). Decided by the evaluator: each such Deny
 * alone, behind an Allow of everything, is asked about each service's request (Decrypt and GenerateDataKey through the
 * service by a principal of the key's account; the service principal's own actions with its encryption context and
 * source keys), made from outside any endpoint. Only an explicit deny by that statement counts. Values unknown offline
 * are bounded by the strict and permissive readings: a deny in one reading only is a "cannot verify" warning.
 *
 * Severity error: the service's requests are denied, so reading and writing the encrypted resources fails at run time
 * (and creating them, when CloudFormation calls KMS through the service), whatever the IAM policies say. A Deny that
 * tests the network but names only endpoint policies is not here: an endpoint policy sees only requests through the
 * endpoint, which services never send. Pure.
 */
import { Finding, findingId } from './finding';
import { Rule, kmsGuide, ruleDocLink } from './rule';
import { ENDPOINT_ONLY_KEYS_TEXT, endpointStandIn, isEndpointOnlyKey } from '../policy/endpoint-keys';
import { keyFinding, keyName } from './support/key-finding';
import { ALLOW_ALL_KMS, probeSession, readingsOf, scenarioKey, viaServicesIn } from './support/probe';
import { StatementRef, conditionEntriesOf, isAllow, isRecord, listOf, listText, statementJson, statementsOf } from './support/statements';
import { serviceEncryptionContext, resourceArnFor, viaServiceOf } from '../analysis/service-requests';
import { AppModel, EncryptedResourceModel, KmsKeyModel } from '../app-model/app-model';
import { isUnresolvedText } from '../app-model/unresolved';
import { EvaluationResult, KmsAccessEvaluator } from '../evaluator/kms-access-evaluator';

const ID = 'KmsGuard-EndpointDenyBreaksServices';

/** What an integrated service asks of the key on a caller's behalf, whatever the resource: data keys and decryption. */
const VIA_SERVICE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** Lets every request in, so that only the Deny under test decides. */
const ALLOW_EVERYTHING = { Sid: 'KmsGuardProbeAllowsAll', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' };

export const EndpointDenyBreaksServices: Rule = {
  id: ID,
  severity: 'error',
  summary: 'A key-policy Deny that requires aws:SourceVpce or aws:SourceVpc (or aws:SourceVpcArn, aws:VpcSourceIp) exempts the AWS services that use the key (aws:ViaAWSService, kms:ViaService, aws:PrincipalIsAWSService).',
  explanation: 'AWS services that use a key for the app\'s resources (S3, EBS, RDS, Secrets Manager, Lambda on a caller\'s behalf; CloudWatch Logs and CloudTrail as themselves) call KMS from their own network, never through the app\'s VPC endpoint, so their requests carry no aws:SourceVpce or aws:SourceVpc (nor aws:SourceVpcArn or aws:VpcSourceIp, present only through an endpoint as well). A Deny that requires one without exempting them denies those calls, and reading, writing or creating the encrypted resources fails.',
  docLink: ruleDocLink(ID),
  findingIds: ['Statement::<Sid or index>'],
  sources: [kmsGuide('conditions-aws'), kmsGuide('kms-vpc-endpoint'), kmsGuide('service-integration'), kmsGuide('conditions-kms')],
  check: (model: AppModel): Finding[] => model.keys.flatMap((key) => keyFindings(model, key)),
};

/** One service's use of the key, and the requests that stand for it. */
interface ServiceUse {
  /** `s3 (for AWS::S3::Bucket S/Bucket)`, `logs.us-east-1.amazonaws.com as itself`. */
  readonly label: string;
  readonly caller: Record<string, unknown>;
  readonly requests: ReadonlyArray<Record<string, unknown>>;
}

function keyFindings(model: AppModel, key: KmsKeyModel): Finding[] {
  const denies = statementsOf(key.policy).filter((s) => s.statement.Effect === 'Deny' && testsNetwork(s.statement));
  if (denies.length === 0) return [];
  const uses = serviceUses(model, key);
  if (uses.length === 0) return [];
  const out: Finding[] = [];
  for (const ref of denies) {
    const denied: string[] = [];
    const unsure: string[] = [];
    for (const use of uses) {
      const verdict = deniedBy(key, ref, use);
      if (verdict === 'denied') denied.push(use.label);
      else if (verdict !== 'allowed') unsure.push(`${use.label}: ${verdict}`);
    }
    if (denied.length === 0 && unsure.length === 0) continue;
    const id = findingId('Statement', ref.idPart);
    const what = denied.length > 0
      ? `denies the AWS services that use the key, which call KMS from outside any VPC endpoint, so their requests carry no ${ENDPOINT_ONLY_KEYS_TEXT} (conditions-aws.md, "Using VPC endpoint conditions"): ${listText(denied, 5)}`
      : `may deny the AWS services that use the key, depending on values unknown offline, so this cannot be verified: ${listText(unsure, 3)}`;
    out.push(keyFinding(ID, key, id, denied.length > 0 ? 'error' : 'warning',
      `${ref.label} of the key policy of ${keyName(key)} ${what}. Reading, writing or creating the resources encrypted with the key through those services then fails. Received: ${statementJson(ref.statement)}. `
      + 'Expected: the Deny applies only to direct calls: "Bool": {"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false"} in its Condition (what VpceRestrictedKey writes), or an exemption by kms:ViaService. '
      + `Fix: add that condition to the Deny; if the services are meant to be denied, acknowledge ${ID}[${id}] on the key with the reason.`,
      { statement: ref.label, field: 'Condition' }));
  }
  return out;
}

/** A statement whose conditions test the network a request comes through. */
function testsNetwork(st: Record<string, any>): boolean {
  return conditionEntriesOf(st).some((e) => isEndpointOnlyKey(e.key));
}

/** The services that use the key: for the app's encrypted resources, and those the key policy delegates to. */
function serviceUses(model: AppModel, key: KmsKeyModel): ServiceUse[] {
  const uses = new Map<string, ServiceUse>();
  const principalCaller = { arn: probeSession(key.partition, key.account), identityPolicies: [ALLOW_ALL_KMS] };
  const viaUse = (via: string, label: string, context: Record<string, string>): void => {
    if (uses.has(via)) return;
    uses.set(via, {
      label,
      caller: principalCaller,
      requests: VIA_SERVICE_ACTIONS.map((action) => ({ action, encryptionContext: context, context: { 'kms:ViaService': via } })),
    });
  };
  for (const r of model.encryptedResources) {
    if (r.keyArn !== key.arn) continue;
    const sp = r.integration.servicePrincipal;
    if (sp) {
      const principal = sp.principal.replace(/\{region\}/g, key.region);
      if (uses.has(principal)) continue;
      uses.set(principal, {
        label: `${principal} as itself (for ${resourceName(r)})`,
        caller: { arn: principal },
        requests: sp.actions.map((action) => serviceRequest(r, action, r.location.account)),
      });
    } else {
      viaUse(viaServiceOf(r.integration.service, key.region), `${r.integration.service} on a caller's behalf (for ${resourceName(r)})`, serviceEncryptionContext(r, r.location.account));
    }
  }
  const allows = statementsOf(key.policy).filter((s) => isAllow(s.statement)).map((s) => s.statement);
  for (const via of viaServicesIn({ Statement: allows })) viaUse(via, `${via} (the key policy delegates to it through kms:ViaService)`, {});
  return [...uses.values()];
}

function resourceName(r: EncryptedResourceModel): string {
  return `${r.resourceType} ${r.location.constructPath ?? `${r.location.stackName}/${r.location.logicalId}`}`;
}

/** A service principal's request for a resource: its encryption context and the source keys AWS adds. */
function serviceRequest(r: EncryptedResourceModel, action: string, account: string): Record<string, unknown> {
  return {
    action,
    encryptionContext: serviceEncryptionContext(r, account),
    context: { 'aws:SourceAccount': account, 'aws:SourceArn': resourceArnFor(r, account) },
  };
}

/**
 * Whether the Deny, alone behind an Allow of everything, explicitly denies one of the service's requests: `denied`,
 * `allowed`, or why it cannot be said (an evaluator error, or the readings of unknown values disagree).
 */
function deniedBy(key: KmsKeyModel, ref: StatementRef, use: ServiceUse): 'denied' | 'allowed' | string {
  const verdicts = readingsOf({ Version: '2012-10-17', Statement: [ALLOW_EVERYTHING, withKnownAbsentValues(ref.statement, use)] }).map(({ policy }) => {
    const compiled = KmsAccessEvaluator.compile({ key: scenarioKey(key, policy), caller: use.caller });
    for (const request of use.requests) {
      const result: EvaluationResult = compiled.evaluate(request);
      if (result.errors.length > 0) return `the evaluator could not decide (${result.errors[0].message})`;
      if (result.decision === 'explicit-deny') return 'denied';
    }
    return 'allowed';
  });
  if (verdicts.every((v) => v === verdicts[0])) return verdicts[0];
  return verdicts.find((v) => v !== 'denied' && v !== 'allowed') ?? 'denied in the strict reading of the values unknown offline, not in the permissive one';
}

/**
 * The statement with unknown values of the conditions on keys the use's requests never carry replaced by a stand-in:
 * the endpoint-only keys (aws:SourceVpce, ...), which no service request carries, and kms:ViaService for a service
 * principal calling as itself (its requests carry none). A condition on an absent key has the same outcome whatever
 * its values (support/absent-key.ts), so the stand-in decides exactly what any value would; `Null` compares no id and
 * is kept. Without it, the permissive reading would drop the Deny and call a certain denial uncertain.
 */
function withKnownAbsentValues(st: Record<string, any>, use: ServiceUse): Record<string, any> {
  if (!isRecord(st.Condition)) return st;
  const viaServiceAbsent = use.requests.every((r) => !isRecord(r.context) || r.context['kms:ViaService'] === undefined);
  const absent = (k: string): boolean => isEndpointOnlyKey(k) || (viaServiceAbsent && k.toLowerCase() === 'kms:viaservice');
  const condition: Record<string, unknown> = {};
  for (const [operator, block] of Object.entries(st.Condition)) {
    if (!isRecord(block) || /^Null$/i.test(operator)) {
      condition[operator] = block;
      continue;
    }
    condition[operator] = Object.fromEntries(Object.entries(block).map(([k, v]) => [k,
      absent(k) ? listOf(v).map((x) => (typeof x === 'string' && isUnresolvedText(x) ? endpointStandIn(k) : x)) : v]));
  }
  return { ...st, Condition: condition };
}
