import type { Actor } from '../auth/actor.js';
import { newId, nowIso } from '../ids.js';
import type { Logger } from '../logging.js';
import type { EventLog, EventQuery, StoredEvent } from './event-log.js';
import { matchesEventPattern } from './event-pattern.js';
import { createEventSubscribers } from './event-subscribers.js';
import { actorSummary, clampLimit, validateEvent } from './sql-event-log.js';

/**
 * An EventLog kept in memory, with the same rules as the SQL one, for unit tests of
 * services that append or subscribe. `events` exposes what was appended, oldest first.
 *
 * @example
 * const events = createInMemoryEventLog();
 * await service.register(actor, input);
 * expect(events.events.map((e) => e.type)).toEqual(['catalog.location.registered']);
 */
export function createInMemoryEventLog(options: { logger?: Logger } = {}): EventLog & { events: StoredEvent[] } {
  const events: StoredEvent[] = [];
  const subscribers = createEventSubscribers(options.logger);
  return {
    events,
    async append(actor: Actor, event) {
      validateEvent(event);
      // Round-trip through JSON so tests see exactly what the SQL log would return.
      const stored = JSON.parse(
        JSON.stringify({ ...event, id: newId(), at: nowIso(), actor: actorSummary(actor) }),
      ) as StoredEvent;
      events.push(stored);
      await subscribers.dispatch(stored);
      return stored;
    },
    async list(query: EventQuery = {}) {
      return events
        .filter(
          (e) =>
            (!query.type || e.type === query.type) &&
            (!query.typePrefix || matchesEventPattern(`${query.typePrefix}*`, e.type)) &&
            (!query.subject || e.subject === query.subject) &&
            (!query.actorId || e.actor.id === query.actorId) &&
            (!query.before || e.id < query.before),
        )
        .reverse()
        .slice(0, clampLimit(query.limit));
    },
    subscribe(pattern, handler) {
      return subscribers.add(pattern, handler);
    },
  };
}
