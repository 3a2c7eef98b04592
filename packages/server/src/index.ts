/**
 * The server package's public surface, used by the CLI, the benchmarks and the
 * end-to-end tests.
 */

export type { CompoundEntityRef, Entity } from './features/catalog/model/entity.js';
export {
  type DescriptorError,
  parseEntityRef,
  stringifyEntityRef,
  validateDescriptorFiles,
} from './features/catalog/model/index.js';
export type { CheckResult, EntityHealth, FactCollector, TrackCertification } from './features/health/index.js';
export { type Backbeat, type BackbeatMode, type CreateBackbeatOptions, createBackbeat } from './main.js';
export { type Actor, SYSTEM_ACTOR } from './platform/auth/actor.js';
export { type Config, type ConfigOverrides, loadConfig } from './platform/config.js';
export { createLogger, type Logger, silentLogger } from './platform/logging.js';
