import { describe, expect, it } from 'vitest';
import type { RadarDefinition, RadarEntry } from '../model/radar.js';
import { radarFactsOf } from './radar-facts.js';

function entry(partial: Partial<RadarEntry> & Pick<RadarEntry, 'id' | 'ring' | 'match'>): RadarEntry {
  return {
    name: partial.id,
    quadrant: 'frameworks',
    description: '',
    links: [],
    versions: [],
    ...partial,
  };
}

function radar(name: string, entries: RadarEntry[]): RadarDefinition {
  return {
    name,
    title: name,
    description: '',
    quadrants: [
      { id: 'frameworks', name: 'Frameworks' },
      { id: 'libraries', name: 'Libraries' },
      { id: 'tools', name: 'Tools' },
      { id: 'data', name: 'Data' },
    ],
    entries,
  };
}

const GOLDEN = radar('golden-tech', [
  entry({
    id: 'express',
    name: 'Express',
    ring: 'adopt',
    match: [{ ecosystem: 'npm', name: 'express' }],
    versions: [{ ring: 'trial', below: '4.21.0' }],
  }),
  entry({ id: 'koa', name: 'Koa', ring: 'hold', match: [{ ecosystem: 'npm', name: 'koa' }] }),
  entry({
    id: 'react',
    name: 'React',
    ring: 'adopt',
    match: [{ ecosystem: 'npm', pattern: 'react*' }],
    versions: [{ ring: 'hold', below: '18' }],
  }),
  entry({
    id: 'log-lib',
    name: 'log-lib',
    quadrant: 'libraries',
    ring: 'hold',
    match: [{ ecosystem: 'npm', name: 'log-lib' }],
  }),
  entry({
    id: 'spring-boot',
    name: 'Spring Boot',
    ring: 'adopt',
    match: [{ ecosystem: 'maven', pattern: 'org.springframework.boot:*' }],
    versions: [{ ring: 'hold', below: '3' }],
  }),
]);

const npm = (name: string, version: string) => ({ ecosystem: 'npm', name, version });

describe('radarFactsOf', () => {
  it('lists each technology used with the ring at its version, and counts and names per ring', () => {
    const facts = radarFactsOf([GOLDEN], [npm('express', '4.18.2'), npm('koa', '2.15.3'), npm('lodash', '4.17.21')]);
    expect(facts.technologies).toEqual([
      {
        radar: 'golden-tech',
        entry: 'express',
        name: 'Express',
        quadrant: 'frameworks',
        ring: 'trial',
        entryRing: 'adopt',
        ecosystem: 'npm',
        dependency: 'express',
        version: '4.18.2',
        versionKnown: true,
      },
      {
        radar: 'golden-tech',
        entry: 'koa',
        name: 'Koa',
        quadrant: 'frameworks',
        ring: 'hold',
        entryRing: 'hold',
        ecosystem: 'npm',
        dependency: 'koa',
        version: '2.15.3',
        versionKnown: true,
      },
    ]);
    expect(facts.count).toBe(2);
    expect(facts.rings).toEqual({
      adopt: { count: 0, names: [] },
      trial: { count: 1, names: ['Express'] },
      assess: { count: 0, names: [] },
      hold: { count: 1, names: ['Koa'] },
    });
    expect(facts.radars['golden-tech']?.rings.hold).toEqual({ count: 1, names: ['Koa'] });
  });

  it('puts a version above the rule in the adopt ring, and an unreadable version in the entry ring', () => {
    const facts = radarFactsOf(
      [GOLDEN],
      [
        npm('express', '^4.21.1'),
        { ecosystem: 'maven', name: 'org.springframework.boot:spring-boot-starter', version: '' },
      ],
    );
    const byEntry = Object.fromEntries(facts.technologies.map((t) => [t.entry, t]));
    expect(byEntry.express).toMatchObject({ ring: 'adopt', versionKnown: true });
    // A version managed by a parent POM cannot be read: the entry's ring, not "hold below 3".
    expect(byEntry['spring-boot']).toMatchObject({ ring: 'adopt', version: '', versionKnown: false });
    expect(facts.rings.adopt).toEqual({ count: 2, names: ['Express', 'Spring Boot'] });
    expect(facts.rings.hold.count).toBe(0);
  });

  it('counts a technology declared twice once, in the worst of its rings', () => {
    const facts = radarFactsOf([GOLDEN], [npm('react', '18.2.0'), npm('react-dom', '17.0.2')]);
    expect(facts.technologies).toHaveLength(1);
    expect(facts.technologies[0]).toMatchObject({
      entry: 'react',
      ring: 'hold',
      dependency: 'react-dom',
      version: '17.0.2',
    });
    expect(facts.rings.hold).toEqual({ count: 1, names: ['React'] });
    expect(facts.rings.adopt.count).toBe(0);
  });

  it('answers per radar and over every radar, with every radar present even when unused', () => {
    const platform = radar('platform', [
      entry({ id: 'log-lib', name: 'log-lib', ring: 'assess', match: [{ ecosystem: 'npm', name: 'log-lib' }] }),
      entry({ id: 'hono', name: 'Hono', ring: 'assess', match: [{ ecosystem: 'npm', name: 'hono' }] }),
    ]);
    const empty = radar('empty', []);
    const facts = radarFactsOf([platform, GOLDEN, empty], [npm('log-lib', '2.14.1')]);
    expect(facts.technologies.map((t) => `${t.radar}/${t.entry}/${t.ring}`)).toEqual([
      'golden-tech/log-lib/hold',
      'platform/log-lib/assess',
    ]);
    expect(facts.rings.hold.count).toBe(1);
    expect(facts.rings.assess.count).toBe(1);
    expect(facts.radars.platform?.rings.hold.count).toBe(0);
    expect(facts.radars['golden-tech']?.rings.hold.names).toEqual(['log-lib']);
    expect(facts.radars.empty).toEqual({
      count: 0,
      rings: {
        adopt: { count: 0, names: [] },
        trial: { count: 0, names: [] },
        assess: { count: 0, names: [] },
        hold: { count: 0, names: [] },
      },
    });
    expect(Object.keys(facts.radars)).toEqual(['empty', 'golden-tech', 'platform']);
  });

  it('gives the same facts, in the same order, whatever order the radars and dependencies come in', () => {
    const other = radar('other', [entry({ id: 'koa', ring: 'trial', match: [{ name: 'koa' }] })]);
    const deps = [npm('koa', '2.15.3'), npm('express', '4.21.1'), npm('react', '17.0.2'), npm('react-dom', '17.0.2')];
    const a = radarFactsOf([GOLDEN, other], deps);
    const b = radarFactsOf([other, GOLDEN], [...deps].reverse());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('has zero counts and no technologies for a component with no dependency on any radar', () => {
    const facts = radarFactsOf([GOLDEN], [npm('lodash', '4.17.21')]);
    expect(facts.technologies).toEqual([]);
    expect(facts.count).toBe(0);
    expect(facts.rings.hold).toEqual({ count: 0, names: [] });
  });
});
