import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/actor.js';
import { createLogger } from '../logging.js';
import type { StoredEvent } from './event-log.js';
import { matchesEventPattern } from './event-pattern.js';
import { createEventSubscribers } from './event-subscribers.js';
import { createInMemoryEventLog } from './in-memory-event-log.js';

function event(type: string): StoredEvent {
  return {
    id: '01',
    at: '2026-01-01T00:00:00.000Z',
    type,
    subject: 's',
    actor: { kind: 'system', id: 'system', displayName: 'x' },
  };
}

describe('matchesEventPattern', () => {
  it('matches exact types and prefixes ending in *', () => {
    expect(matchesEventPattern('catalog.entity.changed', 'catalog.entity.changed')).toBe(true);
    expect(matchesEventPattern('catalog.entity.changed', 'catalog.entity.changed2')).toBe(false);
    expect(matchesEventPattern('catalog.*', 'catalog.entity.changed')).toBe(true);
    expect(matchesEventPattern('catalog.*', 'catalogue.entity.changed')).toBe(false);
    expect(matchesEventPattern('*', 'anything.at.all')).toBe(true);
  });
});

describe('createEventSubscribers', () => {
  it('runs matching handlers only, and stops after unsubscribe', async () => {
    const subscribers = createEventSubscribers();
    const seen: string[] = [];
    const off = subscribers.add('fleet.*', (e) => {
      seen.push(`fleet:${e.type}`);
    });
    subscribers.add('toggle.updated', (e) => {
      seen.push(`toggle:${e.type}`);
    });
    await subscribers.dispatch(event('fleet.change.merged'));
    await subscribers.dispatch(event('toggle.updated'));
    await subscribers.dispatch(event('catalog.entity.changed'));
    off();
    await subscribers.dispatch(event('fleet.change.opened'));
    expect(seen).toEqual(['fleet:fleet.change.merged', 'toggle:toggle.updated']);
  });

  it('logs a failing handler and still runs the others', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'error',
      destination: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream,
    });
    const subscribers = createEventSubscribers(logger);
    const seen: string[] = [];
    subscribers.add('a.*', () => {
      throw new Error('boom');
    });
    subscribers.add('a.*', async () => Promise.reject(new Error('async boom')));
    subscribers.add('a.b', () => {
      seen.push('ran');
    });
    await expect(subscribers.dispatch(event('a.b'))).resolves.toBeUndefined();
    expect(seen).toEqual(['ran']);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('event subscriber failed');
    expect(lines[0]).toContain('boom');
  });
});

describe('createInMemoryEventLog', () => {
  it('appends, lists newest first with filters, and notifies', async () => {
    const log = createInMemoryEventLog();
    const notified: string[] = [];
    log.subscribe('x.*', (e) => {
      notified.push(e.type);
    });
    const first = await log.append(SYSTEM_ACTOR, { type: 'x.one', subject: 'a', after: { n: 1 } });
    await log.append(SYSTEM_ACTOR, { type: 'y.two', subject: 'b' });
    expect((await log.list()).map((e) => e.type)).toEqual(['y.two', 'x.one']);
    expect((await log.list({ typePrefix: 'x.' })).map((e) => e.id)).toEqual([first.id]);
    expect(notified).toEqual(['x.one']);
    await expect(log.append(SYSTEM_ACTOR, { type: 'nodots', subject: 'a' })).rejects.toThrow(/dotted/);
  });
});
