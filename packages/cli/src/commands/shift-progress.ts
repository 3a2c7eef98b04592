import type { CliIo, TextSink } from '../cli-io.js';
import type { HttpClient } from '../http-client.js';
import { printLines } from '../output.js';
import {
  blockingCanaries,
  FAILED_STATES,
  formatChanges,
  formatLiveView,
  isSettled,
  progressSummary,
  type TargetRow,
} from './shift-format.js';
import { listAllTargets } from './shift-targets.js';

/** Polls of an empty target list after which waiting gives up: the target query matched nothing. */
const EMPTY_POLLS_BEFORE_DONE = 3;

export interface FollowOptions {
  client: HttpClient;
  io: CliIo;
  shiftName: string;
  /** Waiting for a preview ends at `planned` as well as at settled states. */
  preview: boolean;
  intervalMs: number;
  /** Redraw a table in place (a terminal) or print one line per change (a log or a pipe). */
  mode: 'redraw' | 'lines' | 'quiet';
}

export interface FollowResult {
  targets: TargetRow[];
  /** False when stopped (the stop signal) before the shift settled. */
  settled: boolean;
  failed: number;
}

/**
 * Follows a shift's targets until every one has settled, polling
 * every page of `GET /api/fleet/shifts/:name/targets` every `intervalMs`, and shows progress on
 * `io.stdout`: a compact table redrawn in place on a terminal, or a line per state
 * change otherwise.
 *
 * @example
 * const result = await followShift({ client, io, shiftName: 'bump-log-lib', preview: false, intervalMs: 1000, mode: 'lines' });
 * process.exitCode = result.failed > 0 ? 1 : 0;
 */
export async function followShift(options: FollowOptions): Promise<FollowResult> {
  const { client, io } = options;
  const seen = new Map<string, string>();
  let drawn = 0;
  let emptyPolls = 0;
  let targets: TargetRow[] = [];

  for (;;) {
    targets = await listAllTargets(client, options.shiftName);
    emptyPolls = targets.length === 0 ? emptyPolls + 1 : 0;
    const blocked = options.preview ? [] : blockingCanaries(targets);
    const settled =
      isSettled(targets, { preview: options.preview }) ||
      blocked.length > 0 ||
      (targets.length === 0 && emptyPolls >= EMPTY_POLLS_BEFORE_DONE);

    if (options.mode === 'redraw') {
      drawn = redraw(io.stdout, drawn, formatLiveView(targets, { preview: options.preview, maxRows: liveRows(io) }));
    } else if (options.mode === 'lines') {
      printLines(io.stdout, ...formatChanges(seen, targets));
    }
    for (const target of targets) seen.set(target.id, target.state);

    if (settled || (await sleep(options.intervalMs, io.stopSignal)) === 'stopped') {
      if (options.mode === 'lines') printLines(io.stdout, progressSummary(targets, { preview: options.preview }));
      if (blocked.length > 0 && options.mode !== 'quiet') {
        printLines(
          io.stdout,
          `The main wave waits for the canaries, which failed: ${blocked.map((t) => t.entityRef).join(', ')}. ` +
            'Retry or close them (backbeat shift retry <name> --target <ref>).',
        );
      }
      if (settled && targets.length === 0 && options.mode !== 'quiet') {
        printLines(io.stdout, 'No repositories matched the shift’s targets.');
      }
      return { targets, settled, failed: targets.filter((t) => FAILED_STATES.has(t.state)).length };
    }
  }
}

/**
 * Whether `sink` is an interactive terminal, where redrawing in place reads well.
 *
 * @example
 * isTerminal(process.stdout); // true in a shell, false in a pipe
 */
export function isTerminal(sink: TextSink): boolean {
  return (sink as { isTTY?: unknown }).isTTY === true;
}

/** Replaces the `previous` lines last drawn with `lines`; returns how many lines are now drawn. */
function redraw(sink: TextSink, previous: number, lines: string[]): number {
  // Up to the first drawn line, then clear to the end of the screen.
  const erase = previous > 0 ? `\x1b[${previous}A\r\x1b[0J` : '';
  sink.write(`${erase}${lines.join('\n')}\n`);
  return lines.length;
}

/** Rows of the terminal left for the table: its height less the header, summary and prompt. */
function liveRows(io: CliIo): number {
  const rows = (io.stdout as { rows?: unknown }).rows;
  return typeof rows === 'number' && rows > 8 ? rows - 4 : 20;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<'slept' | 'stopped'> {
  if (signal?.aborted) return Promise.resolve('stopped');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve('slept');
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve('stopped');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
