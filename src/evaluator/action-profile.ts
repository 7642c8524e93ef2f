/**
 * What the evaluator needs to know about an action, looked up once per request: its canonical spelling, its catalogue
 * facts, and which action-dependent condition keys exist for it (conditions-kms.md). Profiles are made once per
 * catalogue action, so a request's action costs one map look-up, and later steps compare profiles by identity or
 * index by `id` rather than looking strings up again.
 */
import {
  ALL_KMS_ACTIONS,
  ActionFacts,
  ENCRYPTION_ALGORITHM_ACTIONS,
  ENCRYPTION_CONTEXT_ACTIONS,
  GRANT_IS_FOR_AWS_RESOURCE_ACTIONS,
  REQUEST_ALIAS_ACTIONS,
  actionFacts,
} from '../policy/catalogue';

export interface ActionProfile {
  /** Position in the catalogue, 0 .. ACTION_COUNT - 1. */
  readonly id: number;
  /** `kms:Decrypt`. */
  readonly canonical: string;
  /** `kms:decrypt`: how policies' Action patterns are matched. */
  readonly lowerAction: string;
  readonly facts: ActionFacts;
  readonly keyResource: boolean;
  readonly encryptionContext: boolean;
  readonly encryptionAlgorithm: boolean;
  readonly requestAlias: boolean;
  readonly grantIsForAwsResource: boolean;
}

/** How many catalogue actions there are: profile ids are below this. */
export const ACTION_COUNT = ALL_KMS_ACTIONS.length;

/** Profiles by the catalogue's spelling and by the lower-cased name. */
const PROFILES = new Map<string, ActionProfile>();
ALL_KMS_ACTIONS.forEach((canonical, id) => {
  const facts = actionFacts(canonical)!;
  const profile: ActionProfile = {
    id,
    canonical,
    lowerAction: canonical.toLowerCase(),
    facts,
    keyResource: facts.keyResource,
    encryptionContext: ENCRYPTION_CONTEXT_ACTIONS.includes(canonical),
    encryptionAlgorithm: ENCRYPTION_ALGORITHM_ACTIONS.includes(canonical),
    requestAlias: REQUEST_ALIAS_ACTIONS.includes(canonical),
    grantIsForAwsResource: GRANT_IS_FOR_AWS_RESOURCE_ACTIONS.includes(canonical),
  };
  PROFILES.set(canonical, profile);
  PROFILES.set(profile.lowerAction, profile);
});

/** The profile of a kms: action written in any case, or undefined when KMS has no such action. */
export function catalogueProfile(action: string): ActionProfile | undefined {
  return PROFILES.get(action) ?? PROFILES.get(action.toLowerCase());
}

/**
 * The profile of an action the engine checks on its own account (`kms:ReEncryptFrom`, `kms:PutKeyPolicy`, ...): always
 * a catalogue action, so a miss is a bug, reported as the evaluator's internal error rather than evaluated wrongly.
 */
export function profileOf(action: string): ActionProfile {
  const profile = catalogueProfile(action);
  if (profile === undefined) throw new Error(`${action} is not in the KMS action catalogue`);
  return profile;
}
