import type { Logger } from '../logging.js';
import type { EventHandler, StoredEvent } from './event-log.js';
import { matchesEventPattern } from './event-pattern.js';

/**
 * The in-process subscriber list shared by every EventLog implementation.
 * Handlers run one after another once the event is stored; a handler that throws
 * is logged and skipped, because an appended event is a fact no reader can undo.
 *
 * @example
 * const subscribers = createEventSubscribers(logger);
 * const off = subscribers.add('catalog.*', (event) => console.log(event.type));
 * await subscribers.dispatch(storedEvent);
 */
export interface EventSubscribers {
  add(pattern: string, handler: EventHandler): () => void;
  dispatch(event: StoredEvent): Promise<void>;
}

export function createEventSubscribers(logger?: Logger): EventSubscribers {
  const entries = new Set<{ pattern: string; handler: EventHandler }>();
  return {
    add(pattern, handler) {
      if (!pattern) throw new Error('Event subscription pattern must not be empty');
      const entry = { pattern, handler };
      entries.add(entry);
      return () => {
        entries.delete(entry);
      };
    },
    async dispatch(event) {
      // Copy so a handler that unsubscribes (or subscribes) does not disturb this round.
      for (const entry of [...entries]) {
        if (!matchesEventPattern(entry.pattern, event.type)) continue;
        try {
          await entry.handler(event);
        } catch (error) {
          logger?.error(
            { err: error, eventId: event.id, eventType: event.type, pattern: entry.pattern },
            'event subscriber failed',
          );
        }
      }
    },
  };
}
