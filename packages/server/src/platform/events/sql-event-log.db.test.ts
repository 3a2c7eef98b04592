import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, SYSTEM_ACTOR } from '../auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../db/testing/test-database.js';
import { silentLogger } from '../logging.js';
import type { EventLog, StoredEvent } from './event-log.js';
import { eventsMigrations } from './event-migrations.js';
import { createEventLog } from './sql-event-log.js';

const jane: Actor = {
  kind: 'user',
  id: 'acc-jane',
  userRef: 'user:default/jane',
  displayName: 'Jane',
  isAdmin: false,
  scopes: ['read', 'write'],
};

describe('SQL event log', () => {
  let database: TestDatabase;
  let log: EventLog;

  beforeAll(async () => {
    database = await createTestDatabase({ migrations: eventsMigrations });
    log = createEventLog({ database, logger: silentLogger() });
  });
  afterAll(() => database.dispose());

  it('stores an event with actor, before, after and data, and reads it back', async () => {
    const stored = await log.append(jane, {
      type: 'catalog.location.registered',
      subject: 'location:1',
      before: null,
      after: { target: 'https://git.example/repo', nested: { list: [1, 2] } },
      data: { count: 3 },
    });
    expect(stored.id).toMatch(/^[0-9A-Z]{26}$/);
    const [read] = await log.list({ subject: 'location:1' });
    expect(read).toEqual(stored);
    expect(read?.actor).toEqual({ kind: 'user', id: 'acc-jane', displayName: 'Jane', userRef: 'user:default/jane' });
    expect(read?.before).toBeNull();
    expect(read?.after).toEqual({ target: 'https://git.example/repo', nested: { list: [1, 2] } });
  });

  it('omits absent before/after/data instead of inventing them', async () => {
    await log.append(SYSTEM_ACTOR, { type: 'test.bare', subject: 'bare' });
    const [read] = await log.list({ subject: 'bare' });
    expect(read).toBeDefined();
    expect('before' in (read as StoredEvent)).toBe(false);
    expect('after' in (read as StoredEvent)).toBe(false);
    expect('data' in (read as StoredEvent)).toBe(false);
    expect(read?.actor.userRef).toBeUndefined();
  });

  it('filters by type, type prefix, subject and actor', async () => {
    await log.append(jane, { type: 'filter.alpha.created', subject: 'f1' });
    await log.append(SYSTEM_ACTOR, { type: 'filter.alpha.deleted', subject: 'f2' });
    await log.append(jane, { type: 'filter.beta.created', subject: 'f1' });
    await log.append(jane, { type: 'filterx.gamma', subject: 'f3' });

    expect((await log.list({ type: 'filter.alpha.created' })).map((e) => e.subject)).toEqual(['f1']);
    expect((await log.list({ typePrefix: 'filter.alpha.' })).map((e) => e.type)).toEqual([
      'filter.alpha.deleted',
      'filter.alpha.created',
    ]);
    // A prefix is literal: "filter." must not match "filterx." and "%" is no wildcard.
    expect((await log.list({ typePrefix: 'filter.' })).map((e) => e.type)).not.toContain('filterx.gamma');
    expect(await log.list({ typePrefix: 'filter%' })).toEqual([]);
    expect((await log.list({ subject: 'f1' })).map((e) => e.type)).toEqual([
      'filter.beta.created',
      'filter.alpha.created',
    ]);
    const bySystem = await log.list({ actorId: 'system', typePrefix: 'filter' });
    expect(bySystem.map((e) => e.type)).toEqual(['filter.alpha.deleted']);
  });

  it('pages newest first with before and limit', async () => {
    const appended: StoredEvent[] = [];
    for (let i = 0; i < 7; i++) appended.push(await log.append(jane, { type: 'page.item', subject: `p${i}` }));
    const page1 = await log.list({ type: 'page.item', limit: 3 });
    expect(page1.map((e) => e.subject)).toEqual(['p6', 'p5', 'p4']);
    const page2 = await log.list({ type: 'page.item', limit: 3, before: page1[2]?.id });
    expect(page2.map((e) => e.subject)).toEqual(['p3', 'p2', 'p1']);
    const page3 = await log.list({ type: 'page.item', limit: 3, before: page2[2]?.id });
    expect(page3.map((e) => e.subject)).toEqual(['p0']);
  });

  it('notifies subscribers after storing, and a failing subscriber never breaks append', async () => {
    const seen: string[] = [];
    const offFailing = log.subscribe('notify.*', () => {
      throw new Error('subscriber bug');
    });
    const off = log.subscribe('notify.*', async (event) => {
      // The event is already readable when subscribers run.
      const [stored] = await log.list({ subject: event.subject });
      seen.push(`${event.type}:${stored?.id === event.id}`);
    });
    const stored = await log.append(jane, { type: 'notify.sent', subject: 'n1' });
    await log.append(jane, { type: 'other.sent', subject: 'n2' });
    off();
    offFailing();
    await log.append(jane, { type: 'notify.sent', subject: 'n3' });
    expect(seen).toEqual(['notify.sent:true']);
    expect((await log.list({ subject: 'n1' }))[0]?.id).toBe(stored.id);
  });

  it('rejects malformed events', async () => {
    await expect(log.append(jane, { type: 'Not A Type', subject: 'x' })).rejects.toThrow(/dotted/);
    await expect(log.append(jane, { type: 'ok.type', subject: '' })).rejects.toThrow(/subject/);
  });
});
