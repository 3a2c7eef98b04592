export {
  runSandboxed,
  SANDBOX_OUTPUT_LIMIT,
  type SandboxResult,
  type SandboxRun,
  SandboxUnavailableError,
  sandboxStatus,
} from './run-sandboxed.js';
