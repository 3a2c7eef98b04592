import { type Kysely, sql } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { newId, nowIso } from '../ids.js';
import type { Logger } from '../logging.js';
import type { DomainEvent, EventLog, EventQuery, StoredEvent } from './event-log.js';
import { createEventSubscribers } from './event-subscribers.js';

interface EventRow {
  id: string;
  at: string;
  type: string;
  subject: string;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  actor_user_ref: string | null;
  before_json: string | null;
  after_json: string | null;
  data_json: string | null;
}

export interface EventTables {
  events: EventRow;
}

/** Page size when a query names none, and the most one query returns. */
export const DEFAULT_EVENT_LIMIT = 50;
export const MAX_EVENT_LIMIT = 500;

export interface CreateEventLogOptions {
  database: Database;
  /** Where failing subscribers are reported; silent when omitted. */
  logger?: Logger;
}

/**
 * The EventLog on the `events` table (see `eventsMigrations`). `append` stores the
 * event, then runs matching subscribers in-process and waits for them; a subscriber
 * that throws is logged and never fails the append. Subscribers should stay quick
 * and hand long work to the job queue.
 *
 * @example
 * const events = createEventLog({ database, logger });
 * events.subscribe('catalog.*', async (event) => queue.enqueue('health.recompute', { ref: event.subject }));
 * await events.append(actor, { type: 'catalog.location.registered', subject: id, after: location });
 */
export function createEventLog(options: CreateEventLogOptions): EventLog {
  const db = options.database.db as unknown as Kysely<EventTables>;
  const subscribers = createEventSubscribers(options.logger);

  return {
    async append(actor: Actor, event: DomainEvent): Promise<StoredEvent> {
      validateEvent(event);
      const stored: StoredEvent = {
        id: newId(),
        at: nowIso(),
        type: event.type,
        subject: event.subject,
        actor: actorSummary(actor),
        ...(event.before !== undefined ? { before: event.before } : {}),
        ...(event.after !== undefined ? { after: event.after } : {}),
        ...(event.data !== undefined ? { data: event.data } : {}),
      };
      await db
        .insertInto('events')
        .values({
          id: stored.id,
          at: stored.at,
          type: stored.type,
          subject: stored.subject,
          actor_kind: stored.actor.kind,
          actor_id: stored.actor.id,
          actor_name: stored.actor.displayName,
          actor_user_ref: stored.actor.userRef ?? null,
          before_json: toJson(event.before),
          after_json: toJson(event.after),
          data_json: toJson(event.data),
        })
        .execute();
      await subscribers.dispatch(stored);
      return stored;
    },

    async list(query: EventQuery = {}): Promise<StoredEvent[]> {
      let q = db.selectFrom('events').selectAll();
      if (query.type) q = q.where('type', '=', query.type);
      if (query.typePrefix) {
        // substr compare instead of LIKE: no wildcard escaping, and case-sensitive on both engines.
        const prefix = query.typePrefix;
        q = q.where(sql<string>`substr(type, 1, ${prefix.length})`, '=', prefix);
      }
      if (query.subject) q = q.where('subject', '=', query.subject);
      if (query.actorId) q = q.where('actor_id', '=', query.actorId);
      if (query.before) q = q.where('id', '<', query.before);
      const rows = await q.orderBy('id', 'desc').limit(clampLimit(query.limit)).execute();
      return rows.map(rowToEvent);
    },

    subscribe(pattern, handler) {
      return subscribers.add(pattern, handler);
    },
  };
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_EVENT_LIMIT;
  return Math.min(Math.max(Math.trunc(limit), 1), MAX_EVENT_LIMIT);
}

export function actorSummary(actor: Actor): StoredEvent['actor'] {
  return {
    kind: actor.kind,
    id: actor.id,
    displayName: actor.displayName,
    ...(actor.userRef ? { userRef: actor.userRef } : {}),
  };
}

export function validateEvent(event: DomainEvent): void {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(event.type)) {
    throw new Error(`Event type "${event.type}" must be dotted words, e.g. "catalog.location.registered"`);
  }
  if (!event.subject) throw new Error(`Event ${event.type} needs a subject`);
}

function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function rowToEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    at: row.at,
    type: row.type,
    subject: row.subject,
    actor: {
      kind: row.actor_kind as StoredEvent['actor']['kind'],
      id: row.actor_id,
      displayName: row.actor_name,
      ...(row.actor_user_ref ? { userRef: row.actor_user_ref } : {}),
    },
    ...(row.before_json !== null ? { before: JSON.parse(row.before_json) } : {}),
    ...(row.after_json !== null ? { after: JSON.parse(row.after_json) } : {}),
    ...(row.data_json !== null ? { data: JSON.parse(row.data_json) } : {}),
  };
}
