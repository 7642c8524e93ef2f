/**
 * Who the access analysis asks about, for each key: the principals of the app that a policy of the key can reach,
 * found through an index built once per app (by ARN, by account, by tag, and by the key ARNs their IAM policies
 * allow KMS actions on), plus principals the policies name that the app does not define, the deploying role, account
 * roots, AWS service principals, and representatives of everyone else. A principal that no statement of the key policy
 * names, narrows to or delegates to (through an IAM policy that reaches the key) is never asked about: its answer is
 * the answer of the representative of its kind, so the cost per key is linear in what can reach it. Pure.
 */
import { AccessSubject } from './model';
import { isRecord, principalValues, readStatements } from './statements';
import { AppModel, KmsKeyModel, PrincipalModel } from '../../app-model/app-model';
import { managedPolicyKnowledge } from '../../app-model/aws-managed-policies';
import { generatedName } from '../../app-model/hash';
import { unresolvedStatements } from '../../app-model/policy-readings';
import { isUnresolvedText } from '../../app-model/unresolved';
import { ALL_KMS_ACTIONS, actionFacts } from '../../policy/catalogue';
import { isServicePrincipal, parseAwsPrincipal, sessionRoleArn } from '../../policy/principal';
import { StringMatcher, hasWildcard, wildcardMatcher } from '../../policy/wildcard';
import { ADMINISTRATOR_STAND_IN, deployerSession, stackOf } from '../readiness-finding';

export interface PolicySource {
  readonly source: string;
  readonly document: unknown;
}

/** A subject, with what its evaluation needs. */
export interface SubjectSpec {
  readonly access: AccessSubject;
  /** The caller ARN of the scenarios (a role's ARN, the deployer's CloudFormation session, a service principal). */
  readonly callerArn: string;
  /** When `callerArn` is a session: its role's ARN, with the role's path (the evaluator's `caller.roleArn`). */
  readonly roleArn?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Identity policies known to apply (both readings). */
  readonly identity: readonly PolicySource[];
  /** Identity policies that may apply: counted by the permissive reading only. */
  readonly possible: readonly PolicySource[];
  readonly boundaryStrict?: unknown;
  readonly boundaryPermissive?: unknown;
  /** What is unknown about the subject itself (its IAM policies outside the app, ...). */
  readonly unknowns: readonly string[];
  readonly notes: readonly string[];
  readonly isService: boolean;
  /** A representative: may carry any principal tag. */
  readonly anyTags: boolean;
}

export const ALLOW_KMS = { Version: '2012-10-17', Statement: [{ Sid: 'StandInAllowKms', Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
/** A permissions boundary known to allow no KMS action. */
const NO_KMS_BOUNDARY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'kms:*', Resource: '*' }] };
export const PROBE_ROLE = 'kms-guard-probe-any-principal';
export const ANY_SERVICE = 'kms-guard-probe.amazonaws.com';

const KEY_ACTIONS = ALL_KMS_ACTIONS.map((a, i) => ({ i, facts: actionFacts(a)! })).filter((x) => x.facts.keyResource).map((x) => x.i);

interface ReachEntry {
  readonly matcher: StringMatcher;
  readonly principal: PrincipalModel;
}

/** Indexes of the app's principals, built once. */
export class PrincipalIndex {
  private readonly byName = new Map<string, PrincipalModel>();
  private readonly byAccount = new Map<string, PrincipalModel[]>();
  private readonly byTag = new Map<string, PrincipalModel[]>();
  /** Per account: key ARNs (exactly as IAM policies write them) -> principals; and wildcard resources. */
  private readonly reachExact = new Map<string, Map<string, PrincipalModel[]>>();
  private readonly reachWild = new Map<string, ReachEntry[]>();
  private readonly specs = new WeakMap<PrincipalModel, SubjectSpec>();
  public readonly appAccounts: readonly string[];

  public constructor(private readonly model: AppModel) {
    for (const p of model.principals) {
      this.byName.set(nameKey(p.account, p.kind, p.name), p);
      push(this.byAccount, p.account, p);
      for (const [k, v] of Object.entries(p.tags)) push(this.byTag, `${k.toLowerCase()}=${v}`, p);
      for (const resource of kmsResources([...p.identityPolicies, ...p.possibleIdentityPolicies], p.externalManagedPolicies)) {
        if (resource === '*' || hasWildcard(resource) || isUnresolvedText(resource)) {
          const pattern = isUnresolvedText(resource) ? '*' : resource;
          push(this.reachWild, p.account, { matcher: wildcardMatcher(pattern), principal: p });
        } else {
          let m = this.reachExact.get(p.account);
          if (!m) this.reachExact.set(p.account, m = new Map());
          push(m, resource, p);
        }
      }
    }
    this.appAccounts = [...new Set(model.stacks.map((s) => s.account))];
  }

  public named(account: string, kind: 'role' | 'user', name: string): PrincipalModel | undefined {
    return this.byName.get(nameKey(account, kind, name));
  }

  public inAccount(account: string): readonly PrincipalModel[] {
    return this.byAccount.get(account) ?? [];
  }

  public tagged(key: string, value: string): readonly PrincipalModel[] {
    return this.byTag.get(`${key.toLowerCase()}=${value}`) ?? [];
  }

  /** Principals of `account` whose IAM policies allow some KMS key action on `keyArn` (or may). */
  public reaching(account: string, keyArn: string): PrincipalModel[] {
    const out = [...this.reachExact.get(account)?.get(keyArn) ?? []];
    for (const e of this.reachWild.get(account) ?? []) if (e.matcher(keyArn)) out.push(e.principal);
    return out;
  }

  /** The subject for a principal of the app (identity policies, boundary and unknowns read once). */
  public spec(p: PrincipalModel): SubjectSpec {
    let s = this.specs.get(p);
    if (!s) this.specs.set(p, s = appPrincipalSpec(this.model, p));
    return s;
  }
}

function nameKey(account: string, kind: string, name: string): string {
  // IAM names are unique without regard to case; the ARN's path does not take part (as in the evaluator).
  return `${account}/${kind}/${name.toLowerCase()}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * The Resource values of Allow statements that cover some KMS key action (`*` for NotResource, a missing Resource,
 * or an unknown managed policy that may allow anything).
 */
function kmsResources(documents: readonly unknown[], external: readonly string[]): string[] {
  const out = new Set<string>();
  for (const doc of documents) {
    for (const st of readStatements(doc, '').statements) {
      if (st.effect !== 'Allow' || !KEY_ACTIONS.some((i) => st.covers[i] === 1)) continue;
      const raw = (doc as any)?.Statement;
      const original = (Array.isArray(raw) ? raw : [raw])[st.index];
      const resource = isRecord(original) ? original.Resource : undefined;
      if (resource === undefined) out.add('*');
      for (const r of Array.isArray(resource) ? resource : [resource]) if (typeof r === 'string') out.add(r);
    }
  }
  for (const arn of external) {
    const known = managedPolicyKnowledge(arn);
    if (known.kind === 'unknown') out.add('*');
    else if (known.kind === 'document') for (const r of kmsResources([known.document], [])) out.add(r);
  }
  return [...out];
}

/** `KeyStack/AppRole` (construct path without `/Resource`), or `Stack/LogicalId`. */
export function displayPath(item: { stackName: string; logicalId: string; constructPath?: string }): string {
  return item.constructPath?.replace(/\/Resource$/, '') ?? `${item.stackName}/${item.logicalId}`;
}

function appPrincipalSpec(model: AppModel, p: PrincipalModel): SubjectSpec {
  const notes: string[] = [];
  const unknowns: string[] = [];
  const identity: PolicySource[] = p.identityPolicies.map((document, i) => ({ source: p.identityPolicySources[i] ?? `identity policy #${i}`, document }));
  const possible: PolicySource[] = p.possibleIdentityPolicies.map((document, i) => ({ source: p.possibleIdentityPolicySources[i], document }));
  for (const source of p.possibleIdentityPolicySources) unknowns.push(`whether ${source} is attached to it`);
  // An answer that depends on a value of the principal's own policies is uncertain: name what it depends on.
  for (const { source, document } of identity) {
    for (const where of unresolvedStatements(document)) unknowns.push(`${where} of ${source}, which holds values unknown offline`);
  }
  if (p.permissionsBoundary !== undefined) {
    for (const where of unresolvedStatements(p.permissionsBoundary)) unknowns.push(`${where} of its permissions boundary, which holds values unknown offline`);
  }
  for (const arn of p.externalManagedPolicies) {
    const known = managedPolicyKnowledge(arn);
    if (known.kind === 'document') {
      identity.push({ source: `${arn} (AWS managed, content assumed)`, document: known.document });
    } else if (known.kind === 'unknown') {
      possible.push({ source: `a stand-in for ${arn}, whose contents are unknown offline: kms:*`, document: ALLOW_KMS });
      unknowns.push(`the managed policy ${arn}, whose contents are not in the app`);
    }
  }
  let boundaryStrict: unknown = p.permissionsBoundary;
  let boundaryPermissive: unknown = p.permissionsBoundary;
  if (p.boundaryUnknown && p.permissionsBoundaryArn !== undefined) {
    const known = managedPolicyKnowledge(p.permissionsBoundaryArn);
    if (known.kind === 'document') {
      boundaryStrict = boundaryPermissive = known.document;
    } else if (known.kind === 'no-kms') {
      boundaryStrict = boundaryPermissive = NO_KMS_BOUNDARY;
    } else {
      boundaryStrict = NO_KMS_BOUNDARY;
      boundaryPermissive = undefined;
      unknowns.push(`its permissions boundary ${p.permissionsBoundaryArn}, which is not in the app`);
    }
  }
  const stack = model.stacks.find((s) => s.stackName === p.stackName && s.account === p.account && s.region === p.region);
  const generated = p.name === generatedName(`${p.account}/${p.region}/${p.stackName}/${p.logicalId}`, p.stackName, p.logicalId, 64);
  return {
    access: {
      id: `app:${displayPath(p)}`,
      kind: 'app-principal',
      label: `${p.kind} ${displayPath(p)}`,
      arn: p.arn,
      account: p.account,
      representative: false,
      syntheticArn: generated || stack?.accountIsPlaceholder === true,
      ...(p.constructPath !== undefined ? { constructPath: p.constructPath } : {}),
      stackName: p.stackName,
      logicalId: p.logicalId,
    },
    callerArn: p.arn,
    tags: p.tags,
    identity,
    possible,
    ...(boundaryStrict !== undefined ? { boundaryStrict } : {}),
    ...(boundaryPermissive !== undefined ? { boundaryPermissive } : {}),
    unknowns,
    notes,
    isService: false,
    anyTags: false,
  };
}

/** What the key's policy names, narrows to or delegates to. */
export interface KeyReach {
  readonly appPrincipals: PrincipalModel[];
  /** Role, user or session ARNs the policies name (Principal or aws:PrincipalArn) that the app does not define. */
  readonly namedArns: string[];
  /** Accounts (other than representatives) the key policy delegates to. */
  readonly delegatedAccounts: string[];
  readonly services: string[];
  /** Statements allowing `Principal: "*"`: each principal of an account they admit is covered by its representative. */
  readonly everyone: string[];
  /** ARNs (lower case) that Deny statements exempt through aws:PrincipalArn, with the statements. */
  readonly exemptions: Map<string, string[]>;
}

/**
 * Reads who the key policy can reach; `index` answers the look-ups. `extraPolicies` (endpoint policies) add the
 * principals their conditions narrow to; `grantees`, the grantee principals of grants on the key.
 */
export function keyReach(key: KmsKeyModel, index: PrincipalIndex, extraPolicies: readonly unknown[], grantees: readonly string[] = []): KeyReach {
  const found = new Set<PrincipalModel>();
  const named = new Set<string>();
  const accounts = new Set<string>();
  const services = new Set<string>();
  const everyone: string[] = [];
  const exemptions = new Map<string, string[]>();
  let allAccounts = false;
  let anyUnresolved = false;
  const nameArn = (value: string, wildcardsOk: boolean): void => {
    if (isUnresolvedText(value)) {
      anyUnresolved = true;
      return;
    }
    if (wildcardsOk && hasWildcard(value)) {
      const m = wildcardMatcher(value.toLowerCase());
      const account = /^arn:[^:]*:iam::(\d{12}):/.exec(value)?.[1];
      for (const acct of account ? [account] : index.appAccounts) for (const p of index.inAccount(acct)) if (m(p.arn.toLowerCase())) found.add(p);
      return;
    }
    const entry = parseAwsPrincipal(value);
    if ('error' in entry) return;
    if (entry.type === 'account') {
      accounts.add(entry.account);
    } else if (entry.type === 'role' || entry.type === 'user') {
      const own = index.named(entry.account, entry.type, entry.name);
      if (own) found.add(own);
      else named.add(value);
    } else if (entry.type === 'session' || entry.type === 'federated-user') {
      named.add(value);
    }
  };
  const documents = [key.policy, ...extraPolicies];
  documents.forEach((doc, d) => {
    for (const st of readStatements(doc, '').statements) {
      const keyPolicy = d === 0;
      if (keyPolicy) {
        const p = principalValues(st.principal);
        for (const v of p.aws) {
          // Allow statements name whoever they reach; a Deny names roles and users it fences off (never its wildcards).
          if (st.effect === 'Allow' || namesRoleOrUser(v)) nameArn(v, false);
        }
        for (const s of p.services) if (isServicePrincipal(s)) services.add(s.toLowerCase());
        if (p.everyone && st.effect === 'Allow') {
          allAccounts = true;
          everyone.push(st.label);
        }
      }
      for (const c of st.conditions) {
        const b = c.base.toLowerCase();
        if (c.lowerKey === 'aws:principalarn' && (b.startsWith('arn') || b.startsWith('string'))) {
          for (const v of c.values) nameArn(v, b.endsWith('like'));
          if (st.effect === 'Deny' && (b === 'arnnotequals' || b === 'arnnotlike' || b === 'stringnotequals' || b === 'stringnotlike')) {
            for (const v of c.values) exemptions.set(v.toLowerCase(), [...exemptions.get(v.toLowerCase()) ?? [], st.label]);
          }
        } else if (c.lowerKey.startsWith('aws:principaltag/') && b.startsWith('string')) {
          const tag = c.key.slice('aws:PrincipalTag/'.length);
          for (const v of c.values) for (const p of index.tagged(tag, v)) found.add(p);
        }
      }
    }
  });
  for (const g of grantees) if (!isServicePrincipal(g)) nameArn(g, false);
  if (anyUnresolved) {
    // An unresolved principal could be any principal of the app: all are asked (they can only possibly be allowed).
    for (const account of index.appAccounts) for (const p of index.inAccount(account)) found.add(p);
  }
  for (const account of allAccounts ? index.appAccounts : [...accounts]) {
    for (const p of index.reaching(account, key.arn)) found.add(p);
  }
  return {
    appPrincipals: [...found],
    namedArns: [...named],
    delegatedAccounts: [...accounts],
    services: [...services],
    everyone,
    exemptions,
  };
}

function namesRoleOrUser(value: string): boolean {
  if (isUnresolvedText(value)) return false;
  const entry = parseAwsPrincipal(value);
  return !('error' in entry) && (entry.type === 'role' || entry.type === 'user');
}

/** A principal a policy names by ARN that the app does not define: its IAM policies are unknown. */
export function namedSpec(arn: string, key: KmsKeyModel, placeholderAccount: boolean, exemptFrom: readonly string[] | undefined): SubjectSpec {
  const entry = parseAwsPrincipal(arn);
  const account = 'error' in entry || !('account' in entry) ? undefined : entry.account;
  return {
    access: {
      id: arn,
      kind: 'named-principal',
      label: `${arn} (not in the app)`,
      arn,
      ...(account !== undefined ? { account } : {}),
      representative: false,
      syntheticArn: placeholderAccount && account === key.account,
      ...(exemptFrom ? { exemptFrom } : {}),
    },
    callerArn: arn,
    tags: {},
    identity: [],
    possible: [{ source: 'a stand-in for its IAM policies, which are not in the app: kms:*', document: ALLOW_KMS }],
    unknowns: [`the IAM policies of ${arn}, which are not in the app`],
    notes: [],
    isService: false,
    anyTags: false,
  };
}

/** The role CloudFormation deploys the key's stack with, as the session KMS sees; undefined when unknown. */
export function deployerSpec(model: AppModel, key: KmsKeyModel, placeholderAccount: boolean): { spec?: SubjectSpec; note?: string } {
  const stack = stackOf(model, key);
  const arn = stack?.deployerArn;
  if (arn === undefined) {
    return { note: `the deployer of stack ${key.stackName} is unknown (no cloudFormationExecutionRoleArn in the cloud assembly: the credentials of whoever deploys): not asked about` };
  }
  const session = deployerSession(arn);
  if (session === undefined) return { note: `the deployer of stack ${key.stackName}, ${arn}, is not an IAM role or user ARN: not asked about` };
  return {
    spec: {
      access: {
        id: `deployer:${key.stackName}`,
        kind: 'deployer',
        label: `deployer of ${key.stackName} (${arn.replace(/^arn:[^:]+:iam::\d{12}:/, '')})`,
        arn,
        account: /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? key.account,
        representative: false,
        syntheticArn: placeholderAccount,
      },
      callerArn: session,
      ...sessionRoleArn(arn),
      tags: {},
      identity: [],
      possible: [{ source: 'a stand-in for its IAM policies: AdministratorAccess, as the default bootstrap role has', document: ADMINISTRATOR_STAND_IN }],
      unknowns: [`the IAM policies of the deploying role ${arn}, which are not in the app (the default bootstrap role has AdministratorAccess)`],
      notes: [],
      isService: false,
      anyTags: false,
    },
  };
}

/** An account's root user: IAM allows it everything, so it stands for whatever the account can delegate. */
export function rootSpec(partition: string, account: string, key: KmsKeyModel, placeholderAccount: boolean): SubjectSpec {
  const own = account === key.account;
  return {
    access: {
      id: `root:${account}`,
      kind: 'account-root',
      label: own ? `root user of ${account}` : `account ${account} (its root user, and whoever it delegates to)`,
      arn: `arn:${partition}:iam::${account}:root`,
      account,
      representative: false,
      syntheticArn: placeholderAccount && own,
    },
    callerArn: `arn:${partition}:iam::${account}:root`,
    tags: {},
    identity: [],
    possible: [],
    unknowns: [],
    notes: [],
    isService: false,
    anyTags: false,
  };
}

/** A representative principal with an IAM policy allowing kms:* (its own administrators may give it anything). */
export function representativeSpec(
  kind: 'account-principal' | 'organization-principal' | 'anyone', partition: string, account: string, label: string,
): SubjectSpec {
  const arn = `arn:${partition}:iam::${account}:role/${PROBE_ROLE}`;
  return {
    access: { id: kind, kind, label, arn, account, representative: true, syntheticArn: false },
    callerArn: arn,
    tags: {},
    identity: [{ source: 'a stand-in IAM policy allowing kms:*', document: ALLOW_KMS }],
    possible: [],
    unknowns: [],
    notes: [],
    isService: false,
    anyTags: true,
  };
}

export function serviceSpec(service: string, representative: boolean, label?: string): SubjectSpec {
  return {
    access: {
      id: representative ? 'any-service' : `service:${service}`,
      kind: representative ? 'any-service' : 'service',
      label: label ?? `service ${service}`,
      arn: service,
      representative,
      syntheticArn: false,
    },
    callerArn: service,
    tags: {},
    identity: [],
    possible: [],
    unknowns: [],
    notes: [],
    isService: true,
    anyTags: false,
  };
}

/** An account id that neither the app nor the text of `policies` uses, for the representatives of other accounts. */
export function unusedAccount(preferred: string, used: ReadonlySet<string>, text: string): string {
  let n = Number(preferred);
  while (used.has(String(n)) || text.includes(String(n))) n -= 1;
  return String(n).padStart(12, '0');
}
