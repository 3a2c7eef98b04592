import { type ChildProcess, spawn } from 'node:child_process';

/** What a finished child process left: its exit, its output, and why it did not run or was killed. */
export interface ChildOutcome {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  /** Set when the program could not be started at all (for example not installed). */
  startError?: string;
}

export interface ChildRequest {
  command: string;
  args: readonly string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  input: string | Buffer;
  timeoutMs: number;
}

/**
 * The helper's program, run by `node -e` so it works the same from source and from
 * the build. It starts each requested process, collects its output, kills it at its
 * timeout, and answers with the outcome. It exits when Backbeat goes away (its IPC
 * channel closes), so a killed server leaves no helper behind.
 */
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  const reply = (outcome) => process.connected && process.send({ id: m.id, ...outcome });
  let child;
  try {
    child = spawn(m.command, m.args, { cwd: m.cwd, env: m.env, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    reply({ code: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false, startError: String(error && error.message) });
    return;
  }
  const out = [];
  const err = [];
  let timedOut = false;
  let startError;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, m.timeoutMs);
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.on('error', (error) => { startError = error.message; });
  child.on('close', (code) => {
    clearTimeout(timer);
    reply({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut, ...(startError ? { startError } : {}) });
  });
  child.stdin.on('error', () => {});
  child.stdin.end(m.input);
});
`;

let helper: ChildProcess | undefined;
let nextId = 0;
/** Requests sent and not yet answered, with the helper each went to. */
const waiting = new Map<number, { helper: ChildProcess; resolve: (outcome: ChildOutcome) => void }>();

/**
 * Runs a short-lived program from a small helper process instead of from Backbeat
 * itself, and resolves with its outcome (it never rejects).
 *
 * Why: starting a process copies the page tables of the process that starts it, and
 * Node does that on its main thread. From a server of a few hundred MiB every git
 * process froze the event loop for 20–40 ms on slow machines, so a fleet shift
 * stalled every request and every other job. The helper stays at a few tens of MiB,
 * so starting processes costs it little, and Backbeat's main thread only sends a
 * message. If the helper cannot be used, the process is started directly.
 *
 * @example
 * const outcome = await runInHelper({ command: 'git', args: ['--version'], env: process.env, input: '', timeoutMs: 5000 });
 */
export async function runInHelper(request: ChildRequest): Promise<ChildOutcome> {
  const started = performance.now();
  const outcome = await sendToHelper(request);
  // After the await, so the listener runs in the caller's async context.
  observer?.(request, outcome, performance.now() - started);
  return outcome;
}

/** Called after each process the helper ran: for benchmarks and diagnostics. */
export type HelperObserver = (request: ChildRequest, outcome: ChildOutcome, elapsedMs: number) => void;
let observer: HelperObserver | undefined;

/**
 * Watches the processes run through the helper (one observer at a time; `undefined`
 * stops). Processes started directly are not reported.
 *
 * @example
 * observeHelperProcesses((request, outcome, ms) => console.log(request.args[0], outcome.code, ms));
 */
export function observeHelperProcesses(listener: HelperObserver | undefined): void {
  observer = listener;
}

function sendToHelper(request: ChildRequest): Promise<ChildOutcome> {
  const child = helperProcess();
  if (!child) return runDirect(request);
  return new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, { helper: child, resolve });
    // Keeps Backbeat alive only while a request is out, so an idle helper never holds up an exit.
    child.channel?.ref();
    child.send({ id, ...request, args: [...request.args] }, (error) => {
      // Not sent, so not started: run it here instead.
      if (!error || !waiting.delete(id)) return;
      unrefWhenIdle(child);
      resolve(runDirect(request));
    });
  });
}

/** Starts a program from this process: the fallback when the helper cannot be used. */
export function runDirect(request: ChildRequest): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(request.command, [...request.args], {
      cwd: request.cwd,
      env: request.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let startError: string | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, request.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      startError = error.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        timedOut,
        ...(startError ? { startError } : {}),
      });
    });
    // A process that exits early closes stdin; the outcome is reported through 'close'.
    child.stdin.on('error', () => {});
    child.stdin.end(request.input);
  });
}

/** The helper's process id while one runs (for diagnostics and tests). */
export function helperPid(): number | undefined {
  return helper?.connected ? helper.pid : undefined;
}

function helperProcess(): ChildProcess | undefined {
  if (helper?.connected) return helper;
  try {
    const started = spawn(process.execPath, ['-e', HELPER_SOURCE], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // Buffers cross the channel as bytes, not as JSON arrays of numbers.
      serialization: 'advanced',
      env: { PATH: process.env.PATH },
    });
    started.on('message', (message: ChildOutcome & { id: number }) => {
      const request = waiting.get(message.id);
      if (!request) return;
      waiting.delete(message.id);
      unrefWhenIdle(started);
      const { id: _id, ...outcome } = message;
      request.resolve({ ...outcome, stdout: asBuffer(outcome.stdout), stderr: asBuffer(outcome.stderr) });
    });
    started.on('exit', () => failWaiting(started));
    started.on('error', () => failWaiting(started));
    started.unref();
    started.channel?.unref();
    helper = started;
    return started;
  } catch {
    return undefined;
  }
}

function unrefWhenIdle(child: ChildProcess): void {
  for (const request of waiting.values()) if (request.helper === child) return;
  child.channel?.unref();
}

/**
 * A helper that died takes its requests' outcomes with it. Each is answered as a
 * failure without output; a command may have run all the same, as when a server is
 * killed, so callers that change remotes rely on their leases, not on this answer.
 */
function failWaiting(dead: ChildProcess): void {
  if (helper === dead) helper = undefined;
  for (const [id, request] of waiting) {
    if (request.helper !== dead) continue;
    waiting.delete(id);
    request.resolve({
      code: null,
      stdout: Buffer.alloc(0),
      stderr: Buffer.alloc(0),
      timedOut: false,
      startError: 'the process helper exited before the command finished',
    });
  }
}

/** Structured clone turns a Buffer into a Uint8Array: view the same bytes as a Buffer again. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
