/**
 * A child process holding many Server-Sent Events connections to Unleash's
 * streaming endpoint (GET /api/client/streaming), for the toggles-stream benchmark.
 * Each connection is a plain `http.get` with the token in Authorization, as
 * Unleash's streaming SDKs open it. For every `unleash-updated` event it records
 * when the event was complete (monotonic clock, shared by all processes of the
 * machine) and whether the watched flag was on in it.
 *
 * Messages: in `{ type: 'start', ... }`, `{ type: 'await', ... }` after each flip, then
 * `{ type: 'report' }`; out `{ type: 'connected' }` (or `{ type: 'failed' }`),
 * `{ type: 'seen' }` and `{ type: 'report' }`.
 */
import { type ClientRequest, get, type IncomingMessage } from 'node:http';

export interface SseClientsStart {
  type: 'start';
  url: string;
  token: string;
  clients: number;
  /** The flag whose `enabled` each update is checked for. */
  flag: string;
  /** process.hrtime.bigint() of the parent when it began, as a string: times are reported relative to it. */
  clockBase: string;
}

/** Asks for a `seen` answer once every client has had an update showing `enabled` since `sinceMs`, or after `timeoutMs`. */
export interface SseClientsAwait {
  type: 'await';
  enabled: boolean;
  sinceMs: number;
  timeoutMs: number;
}

export interface SseClientsSeen {
  type: 'seen';
  /** Clients that saw the state in time. */
  count: number;
}

/** One `unleash-updated` event seen by one client: milliseconds after the clock base, and the flag's state. */
export type SseUpdate = [atMs: number, enabled: boolean];

export interface SseClientsReport {
  type: 'report';
  /** Per client, its updates in arrival order. */
  updates: SseUpdate[][];
  /** Events whose quick state check was confirmed by a full JSON parse, and those where the two disagreed. */
  verified: number;
  disagreed: number;
  /** Connections that ended or failed after connecting. */
  dropped: number;
}

const requests: ClientRequest[] = [];
let verified = 0;
let disagreed = 0;
let dropped = 0;

/** The state being waited for and the clients that have seen it. */
let pending: { enabled: boolean; sinceMs: number; seen: Set<number>; timer: NodeJS.Timeout } | undefined;

function answerPending(): void {
  if (!pending) return;
  clearTimeout(pending.timer);
  const seen: SseClientsSeen = { type: 'seen', count: pending.seen.size };
  pending = undefined;
  process.send?.(seen);
}

function noteUpdate(index: number, atMs: number, enabled: boolean): void {
  if (!pending || pending.seen.has(index) || atMs < pending.sinceMs || enabled !== pending.enabled) return;
  pending.seen.add(index);
  if (pending.seen.size === updates.length) answerPending();
}

process.on('message', (message: SseClientsStart | SseClientsAwait | { type: 'report' }) => {
  if (message.type === 'await') {
    pending = {
      enabled: message.enabled,
      sinceMs: message.sinceMs,
      seen: new Set(),
      timer: setTimeout(answerPending, message.timeoutMs),
    };
    // Updates that came before this message count too.
    updates.forEach((list, index) => {
      for (const [atMs, enabled] of list) noteUpdate(index, atMs, enabled);
    });
  } else if (message.type === 'start') {
    connectAll(message).then(
      () => process.send?.({ type: 'connected' }),
      (error: Error) => process.send?.({ type: 'failed', message: error.message }),
    );
  } else if (message.type === 'report') {
    const report: SseClientsReport = { type: 'report', updates, verified, disagreed, dropped };
    for (const request of requests) request.destroy();
    process.send?.(report, () => process.exit(0));
  }
});

const updates: SseUpdate[][] = [];

/** Opens the connections a few at a time (a burst of 1,000 SYNs would overflow the listen backlog). */
async function connectAll(start: SseClientsStart): Promise<void> {
  const base = BigInt(start.clockBase);
  const needle = `"name":${JSON.stringify(start.flag)}`;
  let next = 0;
  const opener = async () => {
    while (next < start.clients) {
      const index = next++;
      updates[index] = [];
      await connect(start, index, base, needle);
    }
  };
  await Promise.all(Array.from({ length: 16 }, opener));
}

/** Resolves once the client has its `unleash-connected` event. */
function connect(start: SseClientsStart, index: number, base: bigint, needle: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const request = get(
      `${start.url}/api/client/streaming`,
      { agent: false, headers: { authorization: start.token, accept: 'text/event-stream' } },
      (response: IncomingMessage) => {
        if (response.statusCode !== 200) {
          reject(new Error(`client ${index}: streaming answered ${response.statusCode}`));
          response.resume();
          return;
        }
        // Bytes, not strings: decoding 22 KB per event for a thousand clients would be the clients' main cost.
        let rest: Buffer | undefined;
        response.on('data', (chunk: Buffer) => {
          const buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
          let from = 0;
          let end = buffer.indexOf('\n\n', from);
          while (end >= 0) {
            const event = buffer.subarray(from, end);
            from = end + 2;
            if (event.indexOf('event: unleash-updated') >= 0) {
              const atMs = Number(process.hrtime.bigint() - base) / 1e6;
              const enabled = flagEnabled(event, needle, start.flag, index === 0);
              updates[index]!.push([atMs, enabled]);
              noteUpdate(index, atMs, enabled);
            } else if (!connected && event.indexOf('event: unleash-connected') >= 0) {
              connected = true;
              resolve();
            }
            end = buffer.indexOf('\n\n', from);
          }
          rest = from < buffer.length ? Buffer.from(buffer.subarray(from)) : undefined;
        });
        response.on('end', () => {
          if (connected) dropped++;
          else reject(new Error(`client ${index}: the stream ended before unleash-connected`));
        });
      },
    );
    request.on('error', (error) => {
      if (connected) dropped++;
      else reject(error);
    });
    requests.push(request);
  });
}

/**
 * The watched flag's `enabled` in an event, found by a string search (the payload
 * lists `enabled` after the name, before any nested object), so that a thousand
 * connections in one process do not each parse 20 KB of JSON and delay the
 * clients behind them. One client checks the search against a full parse.
 */
function flagEnabled(event: Buffer, needle: string, flag: string, verify: boolean): boolean {
  const at = event.indexOf(needle);
  const enabledAt = at < 0 ? -1 : event.indexOf('"enabled":', at);
  const valueAt = enabledAt + '"enabled":'.length;
  const quick = enabledAt >= 0 && event.toString('latin1', valueAt, valueAt + 4) === 'true';
  if (verify || at < 0) {
    const data = event
      .toString('utf8')
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
      .join('\n');
    // A full payload, or a delta as Unleash's streaming sends (`events` with the changed features).
    type Feature = { name: string; enabled: boolean };
    const payload = JSON.parse(data) as {
      features?: Feature[];
      events?: { feature?: Feature; features?: Feature[] }[];
    };
    const features =
      payload.features ?? (payload.events ?? []).flatMap((e) => (e.feature ? [e.feature] : (e.features ?? [])));
    const full = features.find((f) => f.name === flag)?.enabled ?? false;
    if (full === quick) verified++;
    else disagreed++;
    return full;
  }
  return quick;
}
