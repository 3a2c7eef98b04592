import { type CompiledStrategy, compileStrategy, type StrategyEnvironment } from './strategies.js';
import type {
  ClientFeaturesResponse,
  FeatureDefinition,
  FeatureDependency,
  SegmentDefinition,
  ToggleContext,
  VariantResult,
} from './types.js';
import { type CompiledVariants, compileVariants } from './variants.js';

/**
 * Something found while compiling a payload. `error`: the flag could not be compiled and
 * always evaluates to disabled. `warning`: the flag works, but part of it never matches
 * (unknown strategy or operator, invalid pattern, missing segment).
 */
export interface CompileIssue {
  severity: 'error' | 'warning';
  /** The flag concerned; undefined for problems with the payload itself or a segment. */
  feature: string | undefined;
  /** Where in the payload, e.g. `features[3].strategies[0].constraints[1].operator`. */
  field: string;
  message: string;
}

/**
 * Why a flag evaluated as it did:
 * - `NOT_FOUND`: no flag of that name;
 * - `DISABLED`: switched off in this environment;
 * - `ERROR`: the flag's definition is broken (see `issues`);
 * - `DEPENDENCY`: a parent flag's condition is not met;
 * - `NO_STRATEGIES`: on, with no strategies, so on for everyone;
 * - `STRATEGY`: a strategy matched (`strategy` names it);
 * - `NO_MATCH`: on, but no strategy matched this context.
 */
export type EvaluationReason =
  | 'NOT_FOUND'
  | 'DISABLED'
  | 'ERROR'
  | 'DEPENDENCY'
  | 'NO_STRATEGIES'
  | 'STRATEGY'
  | 'NO_MATCH';

/**
 * The full outcome of one evaluation, for callers that need more than a boolean (the frontend
 * API, OFREP, the OpenFeature provider).
 */
export interface EvaluationDetails {
  name: string;
  enabled: boolean;
  reason: EvaluationReason;
  /** Name of the strategy that matched, when one did. */
  strategy?: string;
  variant: VariantResult;
  /** The flag's definition as received; undefined when not found. */
  definition?: FeatureDefinition;
}

/** Options of `compileFeatures`. */
export interface CompileOptions {
  /** Host name for the applicationHostname strategy; HOSTNAME or the OS host name in Node by default. */
  hostname?: string;
  /** Random source in [0, 1) for random stickiness; Math.random by default. */
  random?: () => number;
}

interface CompiledFeature {
  name: string;
  definition: FeatureDefinition;
  on: boolean;
  broken: boolean;
  strategies: CompiledStrategy[];
  variants: CompiledVariants | undefined;
  dependencies: FeatureDependency[] | undefined;
  hasDependencies: boolean;
}

// Results of matching: a strategy index (>= 0), or one of these. "On" is `>= MATCH_NO_STRATEGIES`.
const MATCH_NO_STRATEGIES = -1;
const MATCH_NONE = -2;
const MATCH_DEPENDENCY = -3;

const DISABLED_OFF: VariantResult = Object.freeze({ name: 'disabled', enabled: false, feature_enabled: false });
const DISABLED_ON: VariantResult = Object.freeze({ name: 'disabled', enabled: false, feature_enabled: true });

function defaultHostname(): string | undefined {
  // Through getBuiltinModule so that browsers, which have no `process`, never load node:os.
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (!proc) return undefined;
  if (proc.env?.HOSTNAME) return proc.env.HOSTNAME;
  const os = (proc as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:os') as
    | { hostname(): string }
    | undefined;
  return os?.hostname();
}

/**
 * A payload compiled for evaluation: constraints parsed, patterns compiled, hashing prefixes
 * prepared. Immutable; compile a new one when the payload changes.
 */
export class CompiledFeatures {
  /** Problems found while compiling; broken flags evaluate to disabled, the others work. */
  readonly issues: readonly CompileIssue[];
  /** The payload's revision, when the server sent one. */
  readonly revisionId: number | undefined;
  readonly #features: Map<string, CompiledFeature>;

  /** @internal Use `compileFeatures`. */
  constructor(features: Map<string, CompiledFeature>, issues: CompileIssue[], revisionId: number | undefined) {
    this.#features = features;
    this.issues = Object.freeze(issues);
    this.revisionId = revisionId;
  }

  /** Names of every flag in the payload, in payload order. */
  names(): string[] {
    return [...this.#features.keys()];
  }

  /** Whether a flag of this name exists. */
  has(name: string): boolean {
    return this.#features.has(name);
  }

  /** The definition of a flag as received. */
  definition(name: string): FeatureDefinition | undefined {
    return this.#features.get(name)?.definition;
  }

  /** See the `isEnabled` function. */
  isEnabled(name: string, context: ToggleContext, fallback = false): boolean {
    const feature = this.#features.get(name);
    if (feature === undefined) return fallback;
    return this.#match(feature, context) >= MATCH_NO_STRATEGIES;
  }

  /** See the `getVariant` function. */
  getVariant(name: string, context: ToggleContext): VariantResult {
    const feature = this.#features.get(name);
    if (feature === undefined) return DISABLED_OFF;
    return this.#variant(feature, context, this.#match(feature, context));
  }

  /** See the `evaluate` function. */
  evaluate(name: string, context: ToggleContext): EvaluationDetails {
    const feature = this.#features.get(name);
    if (feature === undefined) return { name, enabled: false, reason: 'NOT_FOUND', variant: DISABLED_OFF };
    const match = this.#match(feature, context);
    const variant = this.#variant(feature, context, match);
    const base = { name, definition: feature.definition, variant };
    if (feature.broken) return { ...base, enabled: false, reason: 'ERROR' };
    if (!feature.on) return { ...base, enabled: false, reason: 'DISABLED' };
    if (match === MATCH_DEPENDENCY) return { ...base, enabled: false, reason: 'DEPENDENCY' };
    if (match === MATCH_NO_STRATEGIES) return { ...base, enabled: true, reason: 'NO_STRATEGIES' };
    if (match === MATCH_NONE) return { ...base, enabled: false, reason: 'NO_MATCH' };
    return { ...base, enabled: true, reason: 'STRATEGY', strategy: feature.strategies[match]!.name };
  }

  /** Index of the matching strategy, or one of the MATCH_* codes. */
  #match(feature: CompiledFeature, context: ToggleContext): number {
    if (!feature.on) return MATCH_NONE;
    if (feature.hasDependencies && !this.#dependenciesMet(feature, context)) return MATCH_DEPENDENCY;
    const strategies = feature.strategies;
    if (strategies.length === 0) return MATCH_NO_STRATEGIES;
    for (let i = 0; i < strategies.length; i++) {
      if (strategies[i]!.test(context)) return i;
    }
    return MATCH_NONE;
  }

  #variant(feature: CompiledFeature, context: ToggleContext, match: number): VariantResult {
    if (match === MATCH_NONE || match === MATCH_DEPENDENCY) return DISABLED_OFF;
    if (match >= 0) {
      const chosen = feature.strategies[match]!.variants?.select(context);
      if (chosen) return chosen;
    }
    return feature.variants?.select(context) ?? DISABLED_ON;
  }

  #dependenciesMet(feature: CompiledFeature, context: ToggleContext): boolean {
    for (const dependency of feature.dependencies!) {
      const parent = this.#features.get(dependency.feature);
      // Only one level of dependencies: a parent that has parents never satisfies.
      if (!parent || parent.hasDependencies) return false;
      const match = this.#match(parent, context);
      const parentOn = match >= MATCH_NO_STRATEGIES;
      if (dependency.enabled === false) {
        if (parentOn) return false;
        continue;
      }
      if (!parentOn) return false;
      if (dependency.variants && dependency.variants.length > 0) {
        const variant = this.#variant(parent, context, match);
        if (!variant.feature_enabled || !dependency.variants.includes(variant.name)) return false;
      }
    }
    return true;
  }
}

function compileFeature(
  feature: FeatureDefinition,
  path: string,
  segments: ReadonlyMap<number, SegmentDefinition>,
  env: StrategyEnvironment,
  warn: (field: string, message: string) => void,
): CompiledFeature {
  if (typeof feature.enabled !== 'boolean') throw new Error(`${path}.enabled: must be true or false`);
  if (!Array.isArray(feature.strategies)) throw new Error(`${path}.strategies: must be an array`);
  if (feature.dependencies !== undefined && feature.dependencies !== null) {
    if (!Array.isArray(feature.dependencies)) throw new Error(`${path}.dependencies: must be an array`);
    feature.dependencies.forEach((d, i) => {
      if (!d || typeof d.feature !== 'string') throw new Error(`${path}.dependencies[${i}].feature: must be a string`);
    });
  }
  const strategies = feature.strategies.map((strategy, i) =>
    compileStrategy(strategy, feature.name, segments, env, `${path}.strategies[${i}]`, warn),
  );
  const variants =
    Array.isArray(feature.variants) && feature.variants.length > 0
      ? compileVariants(feature.variants, feature.name, feature.variants[0]?.stickiness, `${path}.variants`)
      : undefined;
  if (feature.variants !== undefined && feature.variants !== null && !Array.isArray(feature.variants)) {
    throw new Error(`${path}.variants: must be an array`);
  }
  const dependencies = feature.dependencies && feature.dependencies.length > 0 ? feature.dependencies : undefined;
  return {
    name: feature.name,
    definition: feature,
    on: feature.enabled,
    broken: false,
    strategies,
    variants,
    dependencies,
    hasDependencies: dependencies !== undefined,
  };
}

/**
 * Compiles a `GET /api/client/features` payload for fast evaluation. Never throws for a bad
 * flag: a flag that cannot be compiled evaluates to disabled and is listed in `issues`, and
 * every other flag works. Throws only when the payload is not an object with a `features` array.
 *
 * @example
 * const compiled = compileFeatures({
 *   version: 2,
 *   features: [{ name: 'checkout.v2', enabled: true, strategies: [{ name: 'flexibleRollout', parameters: { rollout: '50' } }] }],
 * });
 * isEnabled(compiled, 'checkout.v2', { userId: '42' });
 * compiled.issues; // []
 */
export function compileFeatures(payload: ClientFeaturesResponse, options: CompileOptions = {}): CompiledFeatures {
  if (!payload || typeof payload !== 'object' || !Array.isArray(payload.features)) {
    throw new Error('features payload: expected an object with a "features" array');
  }
  const issues: CompileIssue[] = [];
  const env: StrategyEnvironment = {
    hostname: options.hostname ?? defaultHostname(),
    random: options.random ?? Math.random,
  };
  const segments = new Map<number, SegmentDefinition>();
  if (payload.segments !== undefined && payload.segments !== null) {
    if (!Array.isArray(payload.segments)) {
      issues.push({ severity: 'error', feature: undefined, field: 'segments', message: 'must be an array' });
    } else {
      payload.segments.forEach((segment, i) => {
        if (!segment || typeof segment.id !== 'number' || !Array.isArray(segment.constraints)) {
          issues.push({
            severity: 'error',
            feature: undefined,
            field: `segments[${i}]`,
            message: 'a segment needs a numeric id and a constraints array; strategies using it never match',
          });
          return;
        }
        segments.set(segment.id, segment);
      });
    }
  }
  const features = new Map<string, CompiledFeature>();
  payload.features.forEach((feature, i) => {
    const path = `features[${i}]`;
    if (!feature || typeof feature.name !== 'string') {
      issues.push({ severity: 'error', feature: undefined, field: `${path}.name`, message: 'must be a string' });
      return;
    }
    const name = feature.name;
    if (features.has(name)) {
      issues.push({
        severity: 'warning',
        feature: name,
        field: `${path}.name`,
        message: 'duplicate flag; this one wins',
      });
    }
    const warnings: CompileIssue[] = [];
    const warn = (field: string, message: string) => {
      warnings.push({ severity: 'warning', feature: name, field, message });
    };
    try {
      features.set(name, compileFeature(feature, path, segments, env, warn));
      issues.push(...warnings);
    } catch (error) {
      const message = (error as Error).message;
      const colon = message.indexOf(': ');
      issues.push({
        severity: 'error',
        feature: name,
        field: colon > 0 ? message.slice(0, colon) : path,
        message: `${colon > 0 ? message.slice(colon + 2) : message}; the flag evaluates to disabled`,
      });
      features.set(name, {
        name,
        definition: feature,
        on: false,
        broken: true,
        strategies: [],
        variants: undefined,
        dependencies: undefined,
        hasDependencies: false,
      });
    }
  });
  return new CompiledFeatures(features, issues, payload.meta?.revisionId);
}

/**
 * Whether a flag is on for a context. An unknown flag gives `fallback` (false by default).
 *
 * @example
 * isEnabled(compiled, 'checkout.v2', { userId: '42', appName: 'shop' }); // true or false
 * isEnabled(compiled, 'no-such-flag', {}, true); // true
 */
export function isEnabled(compiled: CompiledFeatures, name: string, context: ToggleContext, fallback = false): boolean {
  return compiled.isEnabled(name, context, fallback);
}

/**
 * The variant of a flag for a context: the matching strategy's variants first, then the flag's.
 * `{ name: 'disabled', enabled: false }` when the flag is off, unknown or has no variants
 * (`feature_enabled` then says whether the flag itself is on).
 *
 * @example
 * getVariant(compiled, 'button-colour', { userId: '42' }); // { name: 'blue', enabled: true, feature_enabled: true, payload: {...} }
 */
export function getVariant(compiled: CompiledFeatures, name: string, context: ToggleContext): VariantResult {
  return compiled.getVariant(name, context);
}

/**
 * Evaluates a flag and says why: the reason, the matching strategy and the variant.
 *
 * @example
 * evaluate(compiled, 'checkout.v2', { userId: '42' }); // { enabled: true, reason: 'STRATEGY', strategy: 'flexibleRollout', ... }
 */
export function evaluate(compiled: CompiledFeatures, name: string, context: ToggleContext): EvaluationDetails {
  return compiled.evaluate(name, context);
}
