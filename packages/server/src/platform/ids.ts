import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** A new ULID: sortable by creation time, so ids double as insertion order. */
export function newId(): string {
  return nextUlid();
}

/** Current time as a UTC ISO-8601 string, the one timestamp format Backbeat stores. */
export function nowIso(): string {
  return new Date().toISOString();
}
