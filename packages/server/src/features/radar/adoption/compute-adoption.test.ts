import { describe, expect, it } from 'vitest';
import { ringAt } from '../model/match-entry.js';
import type { RadarEntry } from '../model/radar.js';
import type { DependencyUsage } from '../usage/dependency-usage.js';
import { adoptionOf } from './compute-adoption.js';

function entry(overrides: Partial<RadarEntry>): RadarEntry {
  return {
    id: 'x',
    name: 'X',
    quadrant: 'q',
    ring: 'adopt',
    description: '',
    links: [],
    match: [],
    versions: [],
    ...overrides,
  };
}

function usage(
  entityRef: string,
  ownerRef: string | null,
  ecosystem: string,
  name: string,
  version: string,
): DependencyUsage {
  return { entityRef, ownerRef, ecosystem, name, version };
}

describe('ringAt', () => {
  const express = entry({
    ring: 'trial',
    versions: [
      { ring: 'adopt', atLeast: '4.21.0' },
      { ring: 'hold', below: '4' },
    ],
  });

  it('applies the first version rule that holds, else the entry ring', () => {
    expect(ringAt(express, '4.21.1')).toBe('adopt');
    expect(ringAt(express, '^4.21.0')).toBe('adopt');
    expect(ringAt(express, '3.9.0')).toBe('hold');
    expect(ringAt(express, '4.18.2')).toBe('trial');
    expect(ringAt(express, 'latest')).toBe('trial');
    expect(ringAt(express, '')).toBe('trial');
  });
});

describe('adoptionOf', () => {
  const usages = [
    usage('component:default/a', 'group:default/red', 'npm', 'express', '4.18.2'),
    usage('component:default/b', 'group:default/red', 'npm', 'express', '4.21.1'),
    usage('component:default/c', 'group:default/blue', 'npm', 'express', '3.0.0'),
    usage('component:default/c', 'group:default/blue', 'npm', 'koa', '2.15.3'),
    usage('component:default/d', null, 'maven', 'org.springframework.boot:spring-boot-starter-web', ''),
    usage('component:default/e', 'group:default/green', 'maven', 'com.example:express', '1.0.0'),
    usage('component:default/f', 'group:default/green', 'pypi', 'Pandas', '2.2.3'),
  ];

  it('counts components, squads, versions and rings of the matching dependencies', () => {
    const adoption = adoptionOf(
      entry({ match: [{ ecosystem: 'npm', name: 'express' }], versions: [{ ring: 'hold', below: '4.0.0' }] }),
      usages,
    );
    expect(adoption.components).toBe(3);
    expect(adoption.squads).toBe(2);
    expect(adoption.versions).toEqual(['4.21.1', '4.18.2', '3.0.0']);
    expect(adoption.byRing).toEqual({ adopt: 2, trial: 0, assess: 0, hold: 1 });
    expect(adoption.usages.map((u) => [u.entityRef, u.ring])).toEqual([
      ['component:default/a', 'adopt'],
      ['component:default/b', 'adopt'],
      ['component:default/c', 'hold'],
    ]);
  });

  it('matches patterns over the full name, any ecosystem when none is given, and PyPI names in normal form', () => {
    expect(adoptionOf(entry({ match: [{ pattern: 'org.springframework.boot:*' }] }), usages).components).toBe(1);
    expect(adoptionOf(entry({ match: [{ name: 'express' }] }), usages).components).toBe(4);
    expect(adoptionOf(entry({ match: [{ ecosystem: 'pypi', name: 'pandas' }] }), usages).components).toBe(1);
    expect(adoptionOf(entry({ match: [{ ecosystem: 'go', name: 'express' }] }), usages).components).toBe(0);
  });

  it('counts a component declaring a technology twice once, in its worst ring', () => {
    const twice = [
      usage('component:default/a', 'group:default/red', 'npm', 'react', '18.2.0'),
      usage('component:default/a', 'group:default/red', 'npm', 'react-dom', '17.0.2'),
    ];
    const adoption = adoptionOf(
      entry({ match: [{ pattern: 'react*' }], versions: [{ ring: 'hold', below: '18' }] }),
      twice,
    );
    expect(adoption.components).toBe(1);
    expect(adoption.byRing).toEqual({ adopt: 0, trial: 0, assess: 0, hold: 1 });
  });
});
