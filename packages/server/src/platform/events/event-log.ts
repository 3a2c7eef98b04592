import type { Actor } from '../auth/actor.js';

/**
 * One append-only log of domain events. Every mutation appends one, with who did it
 * and the before/after state, so the same log is the audit trail and the
 * "what changed?" timeline; features react to each other's events by subscribing.
 */
export interface DomainEvent {
  /** Dotted, past tense: `catalog.location.registered`, `auth.token.created`. */
  type: string;
  /** What it happened to: an entity ref, location id, token id... */
  subject: string;
  before?: unknown;
  after?: unknown;
  /** Anything else worth keeping that is not state (counts, reasons). */
  data?: Record<string, unknown>;
}

export interface StoredEvent extends DomainEvent {
  id: string;
  at: string;
  actor: { kind: Actor['kind']; id: string; displayName: string; userRef?: string };
}

export interface EventQuery {
  type?: string;
  /** Prefix match on type, e.g. `catalog.` */
  typePrefix?: string;
  subject?: string;
  actorId?: string;
  /** Return events with id lower than this (newest-first paging). */
  before?: string;
  limit?: number;
}

export type EventHandler = (event: StoredEvent) => void | Promise<void>;

export interface EventLog {
  append(actor: Actor, event: DomainEvent): Promise<StoredEvent>;
  list(query?: EventQuery): Promise<StoredEvent[]>;
  /** In-process subscription; `pattern` is an exact type or a prefix ending in `*`. Returns an unsubscribe function. */
  subscribe(pattern: string, handler: EventHandler): () => void;
}
