import { type Command, InvalidArgumentError } from 'commander';
import { resolveClientSettings } from '../cli-config.js';
import type { CliIo } from '../cli-io.js';
import { createHttpClient, type HttpClient } from '../http-client.js';

/** What every command group gets from the program: the outside world and an API client. */
export interface CommandContext {
  io: CliIo;
  cwd: string;
  /** An API client configured from the global `--server` and `--token` options. */
  client(command: Command): HttpClient;
}

export function createCommandContext(io: CliIo): CommandContext {
  return {
    io,
    cwd: io.cwd ?? process.cwd(),
    client(command) {
      const flags = command.optsWithGlobals<{ server?: string; token?: string }>();
      const settings = resolveClientSettings(flags, io.env);
      return createHttpClient({ ...settings, fetch: io.fetch });
    },
  };
}

/** Adds the `--json` flag every verb has. */
export function withJson(command: Command): Command {
  return command.option('--json', 'print machine-readable JSON instead of text');
}

/** Parses a positive integer option such as `--limit`. */
export function parsePositiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number.`);
    return n;
  };
}

/** Collects a repeatable option (`--filter a --filter b`) into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Resolves when the process is asked to stop: SIGINT, SIGTERM, or the
 * test-provided stop signal. Returns what stopped it.
 */
export function waitForStop(io: CliIo): Promise<string> {
  return new Promise((resolve) => {
    const finish = (reason: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      io.stopSignal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onInt = () => finish('SIGINT');
    const onTerm = () => finish('SIGTERM');
    const onAbort = () => finish('stop');
    if (io.stopSignal) {
      if (io.stopSignal.aborted) return resolve('stop');
      io.stopSignal.addEventListener('abort', onAbort);
    } else {
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    }
  });
}
