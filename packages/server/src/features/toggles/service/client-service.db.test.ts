import { applyDeltaEvents } from '@backbeat/toggles-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../../platform/events/in-memory-event-log.js';
import { togglesMigrations } from '../migrations.js';
import { createTogglesStore, type TogglesStore } from '../store/toggles-store.js';
import { createChangeFeed } from './change-feed.js';
import { createClientService, TOKEN_CACHE_TTL_MS } from './client-service.js';
import { createClientStreamHub, type StreamSink } from './client-stream-hub.js';
import { createTogglesService } from './toggles-service.js';

const noMembership = { groupsOf: async () => [] };
const scope = { project: 'checkout', environment: 'production' };

/** The real store, counting the flag reads that building a payload makes. */
function countingStore(store: TogglesStore): TogglesStore & { builds: () => number } {
  let builds = 0;
  return {
    ...store,
    listFlags: (query) => {
      builds++;
      return store.listFlags(query);
    },
    builds: () => builds,
  };
}

/** A stream that keeps what it was sent. */
function recordingSink(): StreamSink & { chunks: Uint8Array[]; text(): string[]; ended: boolean } {
  const sink = {
    chunks: [] as Uint8Array[],
    ended: false,
    write(bytes: Uint8Array) {
      sink.chunks.push(bytes);
    },
    end() {
      sink.ended = true;
    },
    text: () => sink.chunks.map((c) => Buffer.from(c).toString('utf8')),
  };
  return sink;
}

function dataOf(event: string): unknown {
  const line = event.split('\n').find((l) => l.startsWith('data: '));
  return JSON.parse(line?.slice(6) ?? 'null');
}

describe('client service: token cache, shared builds and the stream hub', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrations: togglesMigrations });
    const toggles = createTogglesService({
      store: createTogglesStore(database),
      events: createInMemoryEventLog(),
      membership: noMembership,
    });
    await toggles.createProject(SYSTEM_ACTOR, { key: 'checkout', name: 'Checkout' });
    for (const name of ['new-cart', 'dark-mode', 'old-banner']) {
      await toggles.createFlag(SYSTEM_ACTOR, 'checkout', { name });
      await toggles.setEnabled(SYSTEM_ACTOR, {
        project: 'checkout',
        flag: name,
        environment: 'production',
        enabled: true,
      });
    }
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('rejects a revoked token at once in the revoking process, and within the TTL in another', async () => {
    const events = createInMemoryEventLog();
    const store = createTogglesStore(database);
    const toggles = createTogglesService({ store, events, membership: noMembership });
    const here = createClientService({ store, events });
    // Another process: its own store and event log on the same database, and a clock the test moves.
    let now = Date.now();
    const elsewhere = createClientService({ store: createTogglesStore(database), now: () => now });

    const { token, info } = await toggles.createToken(SYSTEM_ACTOR, {
      name: 'cached',
      type: 'client',
      project: 'checkout',
      environment: 'production',
    });
    expect((await here.authenticate(token))?.id).toBe(info.id);
    expect((await elsewhere.authenticate(token))?.id).toBe(info.id);

    await toggles.revokeToken(SYSTEM_ACTOR, info.id);
    expect(await here.authenticate(token)).toBeUndefined();
    // Served from its cache until the TTL has passed, then refused.
    expect((await elsewhere.authenticate(token))?.id).toBe(info.id);
    now += TOKEN_CACHE_TTL_MS + 1;
    expect(await elsewhere.authenticate(token)).toBeUndefined();
    expect(await createClientService({ store }).authenticate(token)).toBeUndefined();
    expect(await here.authenticate('checkout:production.not-a-token')).toBeUndefined();
  });

  it('builds a payload once for concurrent requests of one scope and revision', async () => {
    const store = countingStore(createTogglesStore(database));
    const client = createClientService({ store });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => client.features(scope, { inlineSegments: false })),
    );
    expect(store.builds()).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]?.payload.features.map((f) => f.name).sort()).toEqual(['dark-mode', 'new-cart', 'old-banner']);
  });

  it('sends every stream of a scope the same encoded delta, built once per change', async () => {
    const events = createInMemoryEventLog();
    const store = countingStore(createTogglesStore(database));
    const toggles = createTogglesService({ store, events, membership: noMembership });
    const feed = createChangeFeed({ store });
    const client = createClientService({ store, events, revision: () => feed.revision() });
    toggles.onChange((revision) => feed.notify(revision));
    const hub = createClientStreamHub({ client, feed });

    const sinks = Array.from({ length: 50 }, recordingSink);
    const leaves = await Promise.all(sinks.map((sink) => hub.join(scope, sink)));
    expect(hub.size()).toBe(50);
    const connected = sinks[0]?.text()[0] ?? '';
    expect(connected.startsWith('event: unleash-connected\n')).toBe(true);
    const full = dataOf(connected) as Parameters<typeof applyDeltaEvents>[0];

    const buildsBefore = store.builds();
    const delivered = new Promise<void>((resolve) => {
      const last = sinks[sinks.length - 1] as ReturnType<typeof recordingSink>;
      const write = last.write;
      last.write = (bytes) => {
        write(bytes);
        resolve();
      };
    });
    await toggles.setEnabled(SYSTEM_ACTOR, {
      project: 'checkout',
      flag: 'new-cart',
      environment: 'production',
      enabled: false,
    });
    await delivered;
    expect(store.builds() - buildsBefore).toBe(1);
    // The very same bytes for everyone: encoded once.
    const update = sinks[0]?.chunks[1];
    for (const sink of sinks) {
      expect(sink.chunks).toHaveLength(2);
      expect(sink.chunks[1]).toBe(update);
    }
    const text = sinks[0]?.text()[1] ?? '';
    expect(text).toMatch(/^event: unleash-updated\ndata: .*\nid: \d+\n\n$/);
    const delta = dataOf(text) as { events: Parameters<typeof applyDeltaEvents>[1] };
    expect(delta.events.map((e) => e.type)).toEqual(['feature-updated']);

    // The delta applied to the connected payload gives exactly the new full payload.
    const next = await client.features(scope, { inlineSegments: false });
    const applied = applyDeltaEvents(full, delta.events);
    expect(applied.features).toEqual(next.payload.features);
    expect(applied.meta?.revisionId).toBe(next.revision);

    for (const leave of leaves) leave();
    expect(hub.size()).toBe(0);
    feed.close();
    await toggles.setEnabled(SYSTEM_ACTOR, {
      project: 'checkout',
      flag: 'new-cart',
      environment: 'production',
      enabled: true,
    });
  });

  it('serves the revision from the feed and still sees changes made by another process', async () => {
    const store = countingStore(createTogglesStore(database));
    const feed = createChangeFeed({ store, pollIntervalMs: 10 });
    const client = createClientService({ store, revision: () => feed.revision() });
    const first = await client.features(scope, { inlineSegments: false });
    const other = createTogglesService({
      store: createTogglesStore(database),
      events: createInMemoryEventLog(),
      membership: noMembership,
    });
    await other.setEnabled(SYSTEM_ACTOR, {
      project: 'checkout',
      flag: 'dark-mode',
      environment: 'production',
      enabled: false,
    });
    let next = first;
    while (next.revision === first.revision) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      next = await client.features(scope, { inlineSegments: false });
    }
    expect(next.revision).toBe(await createTogglesStore(database).revision());
    expect(next.payload.features.find((f) => f.name === 'dark-mode')?.enabled).toBe(false);
    feed.close();
    await other.setEnabled(SYSTEM_ACTOR, {
      project: 'checkout',
      flag: 'dark-mode',
      environment: 'production',
      enabled: true,
    });
  });

  it('ends every stream when the feed closes', async () => {
    const store = createTogglesStore(database);
    const feed = createChangeFeed({ store });
    const hub = createClientStreamHub({ client: createClientService({ store }), feed });
    const sink = recordingSink();
    await hub.join(scope, sink);
    feed.close();
    expect(sink.ended).toBe(true);
    expect(hub.size()).toBe(0);
  });
});
