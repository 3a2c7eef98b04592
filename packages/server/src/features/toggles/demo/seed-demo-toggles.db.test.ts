import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFeatures } from '@backbeat/toggles-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../../platform/events/in-memory-event-log.js';
import { silentLogger } from '../../../platform/logging.js';
import type { CatalogReader, Entity } from '../../catalog/index.js';
import { togglesMigrations } from '../migrations.js';
import { createGuardCheck } from '../rollouts/guard-check.js';
import { createRolloutService } from '../rollouts/rollout-service.js';
import { createClientService } from '../service/client-service.js';
import { createTogglesService } from '../service/toggles-service.js';
import { createPlansStore } from '../store/plans-store.js';
import { createTogglesStore } from '../store/toggles-store.js';
import { DEMO_TOGGLES_TOKEN_FILE, seedDemoToggles } from './seed-demo-toggles.js';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments-squad', lifecycle: 'production' },
});

/** A catalog with two components; the demo should pick the payments one. */
const catalog: CatalogReader = {
  async findEntities() {
    return [component('playlist-api'), component('payments-api')];
  },
  async entitiesByRefs(refs) {
    return refs.map((ref) => (ref === 'component:default/payments-api' ? component('payments-api') : null));
  },
};

describe('seedDemoToggles', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrations: togglesMigrations });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('creates the checkout project with a flag mid-rollout, a kill switch, variants, constraints and a token, once', async () => {
    const store = createTogglesStore(database);
    const toggles = createTogglesService({
      store,
      events: createInMemoryEventLog(),
      membership: { groupsOf: async () => [] },
      catalog,
    });
    expect(await seedDemoToggles({ toggles, catalog, logger: silentLogger() })).toEqual({ created: true });
    expect(await seedDemoToggles({ toggles, catalog, logger: silentLogger() })).toEqual({ created: false });

    const project = await toggles.getProject('checkout');
    expect(project).toMatchObject({
      entityRef: 'component:default/payments-api',
      ownerRef: 'group:default/payments-squad',
    });
    const flags = await toggles.listFlags({ project: 'checkout' });
    expect(flags.map((f) => `${f.name}:${f.type}`)).toEqual([
      'family-plan:release',
      'gift-cards:release',
      'new-checkout-flow:release',
      'payments-provider-fallback:kill-switch',
      'pricing-page-layout:experiment',
    ]);
    expect(await store.listTokens('checkout')).toHaveLength(1);

    const client = createClientService({ store });
    const { payload } = await client.features(
      { project: 'checkout', environment: 'production' },
      { inlineSegments: false },
    );
    const compiled = compileFeatures(payload as never);
    expect(compiled.issues).toEqual([]);
    let on = 0;
    for (let i = 0; i < 1000; i++) if (compiled.isEnabled('new-checkout-flow', { userId: `user-${i}` })) on++;
    expect(on).toBeGreaterThan(200);
    expect(on).toBeLessThan(300);
    expect(compiled.getVariant('pricing-page-layout', { userId: 'u1' }).payload?.type).toBe('json');
    expect(compiled.isEnabled('family-plan', { properties: { country: 'SE', appVersion: '4.3.0' } })).toBe(true);
    expect(compiled.isEnabled('family-plan', { properties: { country: 'SE', appVersion: '4.1.0' } })).toBe(false);
    expect(compiled.isEnabled('gift-cards', {})).toBe(false);
    expect(compiled.isEnabled('payments-provider-fallback', {})).toBe(true);
  });

  it('keeps a client token for the demo app in a file only its owner reads, and makes a new one once revoked', async () => {
    const fresh = await createTestDatabase({ migrations: togglesMigrations });
    const dir = mkdtempSync(join(tmpdir(), 'backbeat-demo-token-'));
    try {
      const store = createTogglesStore(fresh);
      const events = createInMemoryEventLog();
      const toggles = createTogglesService({ store, events, membership: { groupsOf: async () => [] }, catalog });
      const client = createClientService({ store, events });
      const clientTokenFile = join(dir, DEMO_TOGGLES_TOKEN_FILE);
      const seed = () => seedDemoToggles({ toggles, catalog, logger: silentLogger(), clientTokenFile });

      expect(await seed()).toEqual({ created: true });
      const first = readFileSync(clientTokenFile, 'utf8').trim();
      expect(first).toMatch(/^checkout:production\.\w{40}$/);
      expect(statSync(clientTokenFile).mode & 0o777).toBe(0o600);
      // A client token of the project and environment: it reads checkout in production and nothing else.
      expect(await client.authenticate(first)).toMatchObject({
        type: 'client',
        project: 'checkout',
        environment: 'production',
        name: 'checkout-demo',
      });

      // Restarts keep the token while it works.
      expect(await seed()).toEqual({ created: false });
      expect(readFileSync(clientTokenFile, 'utf8').trim()).toBe(first);
      expect(await store.listTokens('checkout')).toHaveLength(1);

      // Revoked, or the file lost: the next start makes a new one.
      const [token] = await store.listTokens('checkout');
      await toggles.revokeToken(SYSTEM_ACTOR, token?.id as string);
      await seed();
      const second = readFileSync(clientTokenFile, 'utf8').trim();
      expect(second).not.toBe(first);
      expect(await client.authenticate(first)).toBeUndefined();
      expect(await client.authenticate(second)).toMatchObject({ project: 'checkout', environment: 'production' });
      rmSync(clientTokenFile);
      await seed();
      expect(existsSync(clientTokenFile)).toBe(true);
      expect(readFileSync(clientTokenFile, 'utf8').trim()).not.toBe(second);
      expect((await store.listTokens('checkout')).filter((t) => !t.revokedAt)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await fresh.dispose();
    }
  });

  it('puts the flag mid-rollout through a guarded plan when rollouts are given', async () => {
    const fresh = await createTestDatabase({ migrations: togglesMigrations });
    try {
      const events = createInMemoryEventLog();
      const membership = { groupsOf: async () => [] };
      const toggles = createTogglesService({ store: createTogglesStore(fresh), events, membership, catalog });
      const plans = createPlansStore(fresh);
      const rollouts = createRolloutService({
        plans,
        toggles,
        guards: createGuardCheck({ plans }),
        events,
        membership,
      });
      expect(await seedDemoToggles({ toggles, catalog, rollouts, logger: silentLogger() })).toEqual({ created: true });
      const target = { project: 'checkout', flag: 'new-checkout-flow', environment: 'production' };
      const plan = await rollouts.current(target);
      expect(plan).toMatchObject({ status: 'running', currentIndex: 1, milestones: [5, 25, 50, 100] });
      expect(plan?.guards[0]).toMatchObject({ kind: 'error-rate', action: 'rollback' });
      const flag = await toggles.getFlag('checkout', 'new-checkout-flow');
      expect(flag.environments.production?.enabled).toBe(true);
      expect(flag.environments.production?.strategies[0]?.parameters.rollout).toBe('25');
    } finally {
      await fresh.dispose();
    }
  });
});
