/**
 * Backbeat feature toggles SDK: local evaluation matching the Unleash client specification,
 * a client that keeps flags up to date over Server-Sent Events (ETag polling as fallback)
 * with a last-known-good copy, and an OpenFeature server provider.
 *
 * @example
 * import { compileFeatures, isEnabled } from '@backbeat/toggles-sdk';
 * const compiled = compileFeatures(await (await fetch(`${url}/api/client/features`, { headers: { authorization: token } })).json());
 * isEnabled(compiled, 'checkout.v2', { userId: '42' });
 */
export {
  createTogglesClient,
  type FeaturesSource,
  SDK_VERSION,
  type TogglesClient,
  type TogglesClientEvents,
  type TogglesClientOptions,
} from './client/client.js';
export { defaultStoragePath, fileStorage } from './client/file-storage.js';
export { MetricsBucket, type MetricsPayload, type ToggleCounts } from './client/metrics.js';
export { readEvents, type ServerSentEvent } from './client/sse.js';
export {
  memoryStorage,
  type StoredFeatures,
  type TogglesStorage,
  type WebStorageLike,
  webStorage,
} from './client/storage.js';
export { applyDeltaEvents, type DeltaEvent } from './evaluator/delta.js';
export {
  CompiledFeatures,
  type CompileIssue,
  type CompileOptions,
  compileFeatures,
  type EvaluationDetails,
  type EvaluationReason,
  evaluate,
  getVariant,
  isEnabled,
} from './evaluator/features.js';
export { murmurHash3, normalizedHash, STRATEGY_SEED, VARIANT_SEED } from './evaluator/murmur.js';
export { KNOWN_STRATEGIES } from './evaluator/strategies.js';
export type {
  ClientFeaturesResponse,
  ConstraintDefinition,
  ConstraintOperator,
  FeatureDefinition,
  FeatureDependency,
  SegmentDefinition,
  StrategyDefinition,
  ToggleContext,
  VariantDefinition,
  VariantPayload,
  VariantResult,
} from './evaluator/types.js';
export { BackbeatProvider, type BackbeatProviderOptions, toToggleContext } from './openfeature/provider.js';
