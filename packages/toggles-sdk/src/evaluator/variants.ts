import { fieldReader } from './context.js';
import { murmurHash3Pair, VARIANT_SEED } from './murmur.js';
import type { ToggleContext, VariantDefinition, VariantResult } from './types.js';

/** A compiled list of variants: weights summed, results prebuilt, stickiness resolved. */
export interface CompiledVariants {
  /** Picks a variant; `undefined` when none applies (total weight 0). */
  select(context: ToggleContext): VariantResult | undefined;
}

const DEFAULT_STICKINESS = ['userId', 'sessionId', 'remoteAddress'] as const;

/**
 * Compiles feature or strategy variants. `groupId` is the feature name for feature variants and
 * the strategy's groupId for strategy variants. Throws naming the field when a variant is broken.
 *
 * @example
 * const variants = compileVariants([{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }], 'flag', 'default', 'flag.variants');
 * variants.select({ userId: '7' })?.name; // 'a' or 'b', the same every time for user 7
 */
export function compileVariants(
  definitions: VariantDefinition[],
  groupId: string,
  stickiness: string | undefined,
  path: string,
): CompiledVariants {
  if (!Array.isArray(definitions)) throw new Error(`${path}: must be an array`);
  let total = 0;
  const weights: number[] = [];
  const results: VariantResult[] = [];
  const overrides: { read: (c: ToggleContext) => string | undefined; values: Set<string>; result: VariantResult }[] =
    [];
  definitions.forEach((variant, index) => {
    const at = `${path}[${index}]`;
    if (!variant || typeof variant.name !== 'string') throw new Error(`${at}.name: must be a string`);
    const weight = Number(variant.weight);
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`${at}.weight: must be a number ≥ 0`);
    if (variant.payload !== undefined && variant.payload !== null) {
      const payload = variant.payload;
      if (typeof payload !== 'object' || typeof payload.type !== 'string' || typeof payload.value !== 'string') {
        throw new Error(`${at}.payload: must be { type: string, value: string }`);
      }
    }
    const result: VariantResult = Object.freeze(
      variant.payload
        ? { name: variant.name, enabled: true, feature_enabled: true, payload: Object.freeze({ ...variant.payload }) }
        : { name: variant.name, enabled: true, feature_enabled: true },
    );
    total += weight;
    weights.push(weight);
    results.push(result);
    for (const override of variant.overrides ?? []) {
      if (!override || typeof override.contextName !== 'string' || !Array.isArray(override.values)) {
        throw new Error(`${at}.overrides: each needs contextName and values[]`);
      }
      overrides.push({ read: fieldReader(override.contextName), values: new Set(override.values), result });
    }
  });
  const prefix = `${groupId}:`;
  const stick = stickiness && stickiness !== 'default' ? fieldReader(stickiness) : undefined;
  const count = results.length;

  const pick = (target: number): VariantResult | undefined => {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const weight = weights[i]!;
      if (weight === 0) continue;
      sum += weight;
      if (sum >= target) return results[i];
    }
    return undefined;
  };

  return {
    select(context) {
      if (total <= 0) return undefined;
      for (const override of overrides) {
        const value = override.read(context);
        if (value !== undefined && override.values.has(value)) return override.result;
      }
      let id: string | undefined;
      if (stick) {
        id = stick(context);
      } else {
        for (const key of DEFAULT_STICKINESS) {
          const value = context[key];
          if (typeof value === 'string' && value !== '') {
            id = value;
            break;
          }
        }
      }
      // No sticky id: a random target, as likely as hashing a random id.
      const target =
        id === undefined || id === ''
          ? Math.floor(Math.random() * total) + 1
          : (murmurHash3Pair(prefix, id, VARIANT_SEED) % total) + 1;
      return pick(target);
    },
  };
}
