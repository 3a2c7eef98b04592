/**
 * Wire types of the Unleash client API (`GET /api/client/features`, format version 2) and the
 * evaluation context. They describe exactly what the server sends, so a payload can be passed
 * through without mapping.
 */

/** Every constraint operator of the Unleash client specification 6.1. */
export type ConstraintOperator =
  | 'IN'
  | 'NOT_IN'
  | 'STR_CONTAINS'
  | 'STR_STARTS_WITH'
  | 'STR_ENDS_WITH'
  | 'NUM_EQ'
  | 'NUM_GT'
  | 'NUM_GTE'
  | 'NUM_LT'
  | 'NUM_LTE'
  | 'DATE_AFTER'
  | 'DATE_BEFORE'
  | 'SEMVER_EQ'
  | 'SEMVER_GT'
  | 'SEMVER_GTE'
  | 'SEMVER_LT'
  | 'SEMVER_LTE'
  | 'REGEX'
  | 'IN_CIDR';

/**
 * The body of `GET /api/client/features`.
 *
 * @example
 * const payload: ClientFeaturesResponse = {
 *   version: 2,
 *   features: [{ name: 'checkout.v2', enabled: true, strategies: [{ name: 'default' }] }],
 * };
 */
export interface ClientFeaturesResponse {
  /** 2 today; older servers send 1 with the same shape. */
  version: number;
  features: FeatureDefinition[];
  segments?: SegmentDefinition[];
  query?: unknown;
  meta?: { revisionId?: number; etag?: string; queryHash?: string };
}

/**
 * One feature toggle as the client API sends it.
 *
 * @example
 * const flag: FeatureDefinition = {
 *   name: 'checkout.v2',
 *   enabled: true,
 *   strategies: [{ name: 'flexibleRollout', parameters: { rollout: '10', stickiness: 'default', groupId: 'checkout.v2' } }],
 * };
 */
export interface FeatureDefinition {
  name: string;
  type?: string;
  description?: string | null;
  project?: string;
  /** The environment's on/off switch, ANDed with the strategies (which are ORed). */
  enabled: boolean;
  stale?: boolean;
  impressionData?: boolean;
  strategies: StrategyDefinition[];
  variants?: VariantDefinition[];
  dependencies?: FeatureDependency[];
}

/**
 * A parent flag this flag depends on.
 *
 * @example
 * const dependency: FeatureDependency = { feature: 'checkout', enabled: true, variants: ['blue'] };
 */
export interface FeatureDependency {
  feature: string;
  /** `false`: the parent must be off. Default `true`. */
  enabled?: boolean;
  /** The parent's variant must be one of these. */
  variants?: string[];
}

/**
 * An activation strategy. Parameters are strings on the wire.
 *
 * @example
 * const strategy: StrategyDefinition = {
 *   name: 'flexibleRollout',
 *   parameters: { rollout: '25', stickiness: 'userId', groupId: 'search' },
 *   constraints: [{ contextName: 'appName', operator: 'IN', values: ['shop'] }],
 * };
 */
export interface StrategyDefinition {
  name: string;
  parameters?: Record<string, string>;
  constraints?: ConstraintDefinition[];
  /** Ids of top-level segments whose constraints are ANDed with the strategy's own. */
  segments?: number[];
  variants?: VariantDefinition[];
  disabled?: boolean | null;
}

/**
 * A constraint on one context field.
 *
 * @example
 * const constraint: ConstraintDefinition = { contextName: 'version', operator: 'SEMVER_GTE', value: '2.1.0' };
 */
export interface ConstraintDefinition {
  contextName: string;
  operator: ConstraintOperator;
  /** For the list operators (IN, NOT_IN, STR_*, IN_CIDR). */
  values?: string[];
  /** For the single-value operators (NUM_*, DATE_*, SEMVER_*, REGEX). */
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

/**
 * A variant of a feature or of a strategy.
 *
 * @example
 * const variant: VariantDefinition = {
 *   name: 'blue', weight: 500, stickiness: 'default', payload: { type: 'string', value: '#00f' },
 * };
 */
export interface VariantDefinition {
  name: string;
  weight: number;
  weightType?: 'variable' | 'fix';
  stickiness?: string;
  payload?: VariantPayload;
  /** Feature variants only: context values that pick this variant before any hashing. */
  overrides?: { contextName: string; values: string[] }[];
}

/**
 * A variant's payload: `type` is `string`, `json`, `csv` or `number`; `value` is always a string.
 *
 * @example
 * const payload: VariantPayload = { type: 'json', value: '{"limit":10}' };
 */
export interface VariantPayload {
  type: string;
  value: string;
}

/**
 * A named set of constraints shared by strategies.
 *
 * @example
 * const segment: SegmentDefinition = { id: 1, name: 'beta', constraints: [{ contextName: 'userId', operator: 'IN', values: ['7'] }] };
 */
export interface SegmentDefinition {
  id: number;
  name?: string;
  constraints: ConstraintDefinition[];
}

/**
 * Who and where a toggle is evaluated for. Fields other than the standard ones go in
 * `properties`; a constraint on field `f` reads `context[f] ?? context.properties[f]`.
 *
 * @example
 * const context: ToggleContext = { userId: '42', appName: 'shop', properties: { tenant: 'acme' } };
 */
export interface ToggleContext {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  /** DATE_AFTER / DATE_BEFORE compare with this; now when missing. */
  currentTime?: Date | string;
  properties?: Record<string, string | undefined | null>;
}

/**
 * The result of `getVariant`. Objects are shared between calls: treat them as read-only.
 *
 * @example
 * const off: VariantResult = { name: 'disabled', enabled: false, feature_enabled: false };
 */
export interface VariantResult {
  name: string;
  enabled: boolean;
  feature_enabled: boolean;
  payload?: VariantPayload;
}
