import { describe, expect, it } from 'vitest';
import type { Entity } from '../../catalog/index.js';
import type { CollectContext, Facts } from '../../health/index.js';
import type { RadarDefinition, Ring } from '../model/radar.js';
import { createRadarCollector, RADAR_COLLECTOR } from './radar-collector.js';
import type { RadarFacts } from './radar-facts.js';

function goldenTech(koaRing: Ring): RadarDefinition {
  return {
    name: 'golden-tech',
    title: 'Golden Tech',
    description: '',
    quadrants: [
      { id: 'frameworks', name: 'Frameworks' },
      { id: 'libraries', name: 'Libraries' },
      { id: 'tools', name: 'Tools' },
      { id: 'data', name: 'Data' },
    ],
    entries: [
      {
        id: 'koa',
        name: 'Koa',
        quadrant: 'frameworks',
        ring: koaRing,
        description: '',
        links: [],
        match: [{ ecosystem: 'npm', name: 'koa' }],
        versions: [],
      },
    ],
  };
}

function component(annotations: Record<string, string> = { 'backbeat.dev/repository': '/repos/shop' }): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop', namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:default/squad' },
  } as Entity;
}

/** A collection run's context: a run-wide memo and the facts earlier collectors left. */
function context(repository: Facts | undefined): CollectContext & { memoCalls: number } {
  const memo = new Map<string, Promise<unknown>>();
  const ctx = {
    memoCalls: 0,
    memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
      ctx.memoCalls++;
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as Promise<T>;
    },
    factsOf: (id: string) => (id === 'repository' ? repository : undefined),
  };
  return ctx;
}

const repositoryFacts = (deps: { name: string; version: string }[]): Facts => ({
  head: 'abc',
  dependencies: deps.map((d) => ({ ecosystem: 'npm', file: 'package.json', ...d })),
});

describe('the radar fact collector', () => {
  it('applies to components with a repository only', () => {
    const collector = createRadarCollector({ listRadars: async () => [] });
    expect(collector.id).toBe(RADAR_COLLECTOR);
    expect(collector.applies(component())).toBe(true);
    expect(collector.applies(component({}))).toBe(false);
    expect(collector.applies({ ...component(), kind: 'API' } as Entity)).toBe(false);
  });

  it("computes the component's radar facts from its repository dependencies", async () => {
    const collector = createRadarCollector({ listRadars: async () => [goldenTech('hold')] });
    const facts = (await collector.collect(
      component(),
      context(repositoryFacts([{ name: 'koa', version: '2.15.3' }])),
    )) as unknown as RadarFacts;
    expect(facts.rings.hold).toEqual({ count: 1, names: ['Koa'] });
    expect(facts.technologies[0]).toMatchObject({ entry: 'koa', ring: 'hold', version: '2.15.3' });
  });

  it('reads the radars once per collection run', async () => {
    let reads = 0;
    const collector = createRadarCollector({
      listRadars: async () => {
        reads++;
        return [goldenTech('hold')];
      },
    });
    const run = context(repositoryFacts([{ name: 'koa', version: '2.15.3' }]));
    await collector.fingerprint?.(component(), run);
    await collector.collect(component(), run);
    await collector.collect(component(), run);
    expect(reads).toBe(1);
  });

  it('has a fingerprint that moves with the radar and with the dependencies, and only then', async () => {
    let ring: Ring = 'hold';
    const collector = createRadarCollector({ listRadars: async () => [goldenTech(ring)] });
    const koa = repositoryFacts([{ name: 'koa', version: '2.15.3' }]);
    const first = await collector.fingerprint?.(component(), context(koa));
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(
      await collector.fingerprint?.(component(), context(repositoryFacts([{ name: 'koa', version: '2.15.3' }]))),
    ).toBe(first);
    expect(
      await collector.fingerprint?.(component(), context(repositoryFacts([{ name: 'koa', version: '2.16.0' }]))),
    ).not.toBe(first);
    ring = 'trial';
    expect(await collector.fingerprint?.(component(), context(koa))).not.toBe(first);
  });

  it('fails, rather than claiming nothing is used, when the repository facts are missing or malformed', async () => {
    const collector = createRadarCollector({ listRadars: async () => [goldenTech('hold')] });
    expect(await collector.fingerprint?.(component(), context(undefined))).toBeUndefined();
    await expect(collector.collect(component(), context(undefined))).rejects.toThrow(/no repository facts/);
    await expect(collector.collect(component(), context({ head: 'abc' }))).rejects.toThrow(/no dependency list/);
    await expect(collector.collect(component(), context({ dependencies: [{ version: '1' }] }))).rejects.toThrow(
      /dependencies\[0\]/,
    );
  });
});
