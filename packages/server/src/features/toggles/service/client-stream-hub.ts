import type { ChangeFeed } from './change-feed.js';
import { clientDelta } from './client-delta.js';
import type { ClientFeatures, ClientScope, ClientService } from './client-service.js';

/** Where a stream's bytes go; `write` must not throw and keeps the order of calls. */
export interface StreamSink {
  write(bytes: Uint8Array): void;
  /** The hub is closing (the server stops): end the stream. */
  end(): void;
}

/**
 * Server-Sent Events for Unleash's streaming endpoint, shared per scope: a new
 * stream gets `unleash-connected` with the full payload; after a change the scope's
 * payload is built once, the difference is encoded once as an `unleash-updated`
 * delta (Unleash's `{ events: [...] }`), and the same bytes are written to every
 * stream of that scope. A stream's first payload and the deltas after it come from
 * the same sequence of states, so no change is lost or applied twice.
 *
 * @example
 * const hub = createClientStreamHub({ client, feed });
 * const leave = await hub.join(scope, { write: (bytes) => controller.enqueue(bytes), end: () => controller.close() });
 */
export interface ClientStreamHub {
  /** Writes the connected event to `sink` and keeps it current; returns the function that leaves. */
  join(scope: ClientScope, sink: StreamSink): Promise<() => void>;
  /** Streams in all scopes (for tests and metrics). */
  size(): number;
}

/** Comment lines keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
const HEARTBEAT = new TextEncoder().encode(': heartbeat\n\n');

/** One event in the wire format of hono's `writeSSE` (the data holds no newline: it is JSON). */
export function encodeEvent(event: string, data: string, id: number): Buffer {
  return Buffer.from(`event: ${event}\ndata: ${data}\nid: ${id}\n\n`, 'utf8');
}

interface Channel {
  sinks: Set<StreamSink>;
  current: ClientFeatures;
  /** `current` as an `unleash-connected` event, encoded once for every stream that joins at it. */
  connected: Buffer;
  /** Updates run one after another; `again` asks for one more after the running one. */
  running: boolean;
  again: boolean;
  /** Settles when the running update is done. */
  idle: Promise<void>;
}

export function createClientStreamHub(options: {
  client: ClientService;
  feed: ChangeFeed;
  heartbeatMs?: number;
}): ClientStreamHub {
  const { client, feed } = options;
  const channels = new Map<string, Channel>();
  const opening = new Map<string, Promise<Channel>>();
  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  const keyOf = (scope: ClientScope) => `${scope.project}\u0000${scope.environment}`;
  const build = (scope: ClientScope) => client.features(scope, { inlineSegments: false });

  function broadcast(channel: Channel, bytes: Uint8Array): void {
    for (const sink of channel.sinks) sink.write(bytes);
  }

  async function update(scope: ClientScope, channel: Channel): Promise<void> {
    if (channel.running) {
      channel.again = true;
      return;
    }
    channel.running = true;
    let done: () => void = () => undefined;
    channel.idle = new Promise((resolve) => {
      done = resolve;
    });
    try {
      do {
        channel.again = false;
        const next = await build(scope);
        if (next.revision <= channel.current.revision) continue;
        const events =
          next.content === channel.current.content ? [] : clientDelta(channel.current.payload, next.payload);
        channel.current = next;
        channel.connected = encodeEvent('unleash-connected', next.body, next.revision);
        // Only changes in this scope are sent.
        if (events.length > 0) {
          broadcast(channel, encodeEvent('unleash-updated', JSON.stringify({ events }), next.revision));
        }
      } while (channel.again);
    } catch {
      // The database may be briefly away: the next change (or the feed's next poll) tries again.
    } finally {
      channel.running = false;
      done();
    }
  }

  function listen(): void {
    if (unsubscribe) return;
    unsubscribe = feed.subscribe(() => {
      for (const [key, channel] of channels) {
        const [project, environment] = key.split('\u0000') as [string, string];
        void update({ project, environment }, channel);
      }
    });
    heartbeat = setInterval(() => {
      for (const channel of channels.values()) broadcast(channel, HEARTBEAT);
    }, options.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
  }

  function quiet(): void {
    unsubscribe?.();
    unsubscribe = undefined;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
  }

  feed.onClose(() => {
    for (const channel of channels.values()) for (const sink of channel.sinks) sink.end();
    channels.clear();
    quiet();
  });

  async function channelOf(scope: ClientScope): Promise<Channel> {
    const key = keyOf(scope);
    const open = channels.get(key);
    if (open) return open;
    let pending = opening.get(key);
    if (!pending) {
      pending = build(scope).then(
        (current) => {
          opening.delete(key);
          const channel: Channel = {
            sinks: new Set(),
            current,
            connected: encodeEvent('unleash-connected', current.body, current.revision),
            running: false,
            again: false,
            idle: Promise.resolve(),
          };
          channels.set(key, channel);
          listen();
          // A change may have landed while the first payload was built.
          void update(scope, channel);
          return channel;
        },
        (error: unknown) => {
          opening.delete(key);
          throw error;
        },
      );
      opening.set(key, pending);
    }
    return pending;
  }

  return {
    async join(scope, sink) {
      const key = keyOf(scope);
      let live = await channelOf(scope);
      // A change committed before this request is in its first payload, not in a delta after it
      // (bounded, so a scope that changes without pause still lets streams in).
      for (let i = 0; i < 3 && live.running; i++) await live.idle;
      // The channel may have been dropped while this stream waited for it.
      if (channels.get(key) !== live) live = await channelOf(scope);
      // Synchronously: the connected event and the membership start from the same state.
      sink.write(live.connected);
      live.sinks.add(sink);
      return () => {
        live.sinks.delete(sink);
        if (live.sinks.size === 0 && channels.get(key) === live) {
          channels.delete(key);
          if (channels.size === 0) quiet();
        }
      };
    },
    size() {
      let n = 0;
      for (const channel of channels.values()) n += channel.sinks.size;
      return n;
    },
  };
}
