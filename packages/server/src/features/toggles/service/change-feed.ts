import type { TogglesStore } from '../store/toggles-store.js';

export interface ChangeFeed {
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
 * on SQLite and PostgreSQL.
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
    polling = true;
    try {
      emit(await store.revision());
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
    notify: emit,
    subscribe(listener) {
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      listeners.clear();
      stop();
      for (const listener of closeListeners) listener();
      closeListeners.clear();
    },
  };
}
