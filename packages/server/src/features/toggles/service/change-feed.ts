import type { TogglesStore } from '../store/toggles-store.js';

export interface ChangeFeed {
  /**
   * The current revision, from memory while the feed is polling (at most one poll
   * interval behind changes made by other processes; changes made in this process
   * arrive through `notify` at once), from the database otherwise.
   */
  revision(): Promise<number>;
  /** Calls `listener` with each new revision; returns the unsubscribe function. */
  subscribe(listener: (revision: number) => void): () => void;
  /** Calls `listener` once when the feed closes (the server is stopping), so open streams end. */
  onClose(listener: () => void): () => void;
  close(): void;
}

/**
 * Tells streaming clients that something changed. Changes made in this process
 * arrive at once (`notify`); changes made by other processes sharing the database
 * (more servers on PostgreSQL, or a worker running rollout jobs) are found by
 * reading the revision every `pollIntervalMs` while anyone listens. One small
 * indexed read per process, whatever the number of clients, and it works the same
 * on SQLite and PostgreSQL. The same polling keeps the revision in memory for the
 * client API while it is being asked for, so a features request needs no query.
 *
 * @example
 * const feed = createChangeFeed({ store, pollIntervalMs: 250 });
 * service.onChange((revision) => feed.notify(revision));
 */
export function createChangeFeed(options: { store: TogglesStore; pollIntervalMs?: number }): ChangeFeed & {
  notify(revision: number): void;
} {
  const { store } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const listeners = new Set<(revision: number) => void>();
  const closeListeners = new Set<() => void>();
  let lastRevision = 0;
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  /** When the revision in memory was last confirmed by the database (or by a change here). */
  let freshAt = 0;
  let askedAt = 0;
  let closed = false;
  // Polling stops this long after the last question when nobody listens.
  const idleMs = Math.max(30_000, pollIntervalMs * 4);

  function emit(revision: number): void {
    if (revision <= lastRevision) return;
    lastRevision = revision;
    for (const listener of listeners) {
      try {
        listener(revision);
      } catch {
        // A broken connection's listener must not stop the others.
      }
    }
  }

  async function poll(): Promise<void> {
    if (polling) return;
    if (listeners.size === 0 && Date.now() - askedAt > idleMs) {
      stop();
      return;
    }
    polling = true;
    try {
      emit(await store.revision());
      freshAt = Date.now();
    } catch {
      // The database may be briefly away; the next tick tries again.
    } finally {
      polling = false;
    }
  }

  function start(): void {
    if (timer) return;
    void store.revision().then(
      (revision) => {
        lastRevision = Math.max(lastRevision, revision);
        freshAt = Date.now();
      },
      () => undefined,
    );
    timer = setInterval(() => void poll(), pollIntervalMs);
    timer.unref();
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  return {
    notify(revision) {
      emit(revision);
      if (timer) freshAt = Date.now();
    },
    async revision() {
      const now = Date.now();
      askedAt = now;
      // A feed whose polls keep failing is not trusted: the database answers instead.
      if (timer && now - freshAt <= pollIntervalMs * 4) return lastRevision;
      const revision = await store.revision();
      // Emitted, not just stored: a revision found here must still reach the streams.
      emit(revision);
      freshAt = Date.now();
      if (!closed) start();
      return lastRevision;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!closed) start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && Date.now() - askedAt > idleMs) stop();
      };
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      stop();
      for (const listener of closeListeners) listener();
      closeListeners.clear();
    },
  };
}
