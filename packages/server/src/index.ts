/**
 * The server package's public surface, used by the CLI, the benchmarks and the
 * end-to-end tests.
 */
export { type Backbeat, type BackbeatMode, type CreateBackbeatOptions, createBackbeat } from './main.js';
export { type Config, type ConfigOverrides, loadConfig } from './platform/config.js';
export { createLogger, type Logger, silentLogger } from './platform/logging.js';
export { SYSTEM_ACTOR, type Actor } from './platform/auth/actor.js';
export type { Entity, CompoundEntityRef } from './features/catalog/model/entity.js';
export {
  parseEntityRef,
  stringifyEntityRef,
  validateDescriptorFiles,
  type DescriptorError,
} from './features/catalog/model/index.js';
