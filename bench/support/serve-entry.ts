/**
 * Runs `serve` from the TypeScript sources, configured by BACKBEAT_* environment
 * variables: the fallback when the CLI has not been built.
 */
import { createBackbeat } from '../../packages/server/src/main.js';
import { loadConfig } from '../../packages/server/src/platform/config.js';

const backbeat = await createBackbeat({ config: loadConfig(), mode: 'serve' });
await backbeat.listen();
const stop = () => {
  backbeat.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
