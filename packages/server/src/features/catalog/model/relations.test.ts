import { describe, expect, it } from 'vitest';
import type { Entity } from './entity.js';
import { computeRelations, inverseRelation, RELATION_PAIRS } from './relations.js';

const entity = (
  kind: string,
  spec: Record<string, unknown>,
  namespace?: string,
  apiVersion = 'backstage.io/v1alpha1',
): Entity => ({
  apiVersion,
  kind,
  metadata: { name: 'self', ...(namespace ? { namespace } : {}) },
  spec,
});

describe('computeRelations', () => {
  it('Component: owner, system, subcomponentOf, APIs and dependencies with Backstage default kinds', () => {
    const relations = computeRelations(
      entity('Component', {
        type: 'service',
        lifecycle: 'production',
        owner: 'team-a',
        system: 'audio',
        subcomponentOf: 'player',
        providesApis: ['playback-api'],
        consumesApis: ['ops/catalog-api'],
        dependsOn: ['resource:artists-db', 'Component:core/auth'],
        dependencyOf: ['component:portal'],
      }),
    );
    expect(relations).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      { type: 'partOf', targetRef: 'system:default/audio' },
      { type: 'partOf', targetRef: 'component:default/player' },
      { type: 'providesApi', targetRef: 'api:default/playback-api' },
      { type: 'consumesApi', targetRef: 'api:ops/catalog-api' },
      { type: 'dependsOn', targetRef: 'resource:default/artists-db' },
      { type: 'dependsOn', targetRef: 'component:core/auth' },
      { type: 'dependencyOf', targetRef: 'component:default/portal' },
    ]);
  });

  it('uses the entity namespace as default namespace and honours an explicit owner kind', () => {
    expect(computeRelations(entity('System', { owner: 'user:jane', domain: 'music' }, 'media'))).toEqual([
      { type: 'ownedBy', targetRef: 'user:media/jane' },
      { type: 'partOf', targetRef: 'domain:media/music' },
    ]);
  });

  it('API, Resource, Domain, Template', () => {
    expect(
      computeRelations(entity('API', { type: 'openapi', lifecycle: 'x', owner: 'a', definition: 'd', system: 's' })),
    ).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/a' },
      { type: 'partOf', targetRef: 'system:default/s' },
    ]);
    expect(
      computeRelations(
        entity('Resource', {
          type: 'db',
          owner: 'a',
          system: 's',
          dependsOn: ['resource:b'],
          dependencyOf: ['component:c'],
        }),
      ),
    ).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/a' },
      { type: 'partOf', targetRef: 'system:default/s' },
      { type: 'dependsOn', targetRef: 'resource:default/b' },
      { type: 'dependencyOf', targetRef: 'component:default/c' },
    ]);
    expect(computeRelations(entity('Domain', { owner: 'a', subdomainOf: 'media' }))).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/a' },
      { type: 'partOf', targetRef: 'domain:default/media' },
    ]);
    expect(
      computeRelations(
        entity('Template', { type: 'service', owner: 'a', steps: [] }, undefined, 'scaffolder.backstage.io/v1beta3'),
      ),
    ).toEqual([{ type: 'ownedBy', targetRef: 'group:default/a' }]);
  });

  it('Group and User org relations', () => {
    expect(
      computeRelations(entity('Group', { type: 'squad', parent: 'tribe-x', children: ['sub-a'], members: ['jane'] })),
    ).toEqual([
      { type: 'childOf', targetRef: 'group:default/tribe-x' },
      { type: 'parentOf', targetRef: 'group:default/sub-a' },
      { type: 'hasMember', targetRef: 'user:default/jane' },
    ]);
    expect(computeRelations(entity('User', { memberOf: ['team-a', 'group:ops/sre'] }))).toEqual([
      { type: 'memberOf', targetRef: 'group:default/team-a' },
      { type: 'memberOf', targetRef: 'group:ops/sre' },
    ]);
  });

  it('Location and custom kinds derive nothing', () => {
    expect(computeRelations(entity('Location', { targets: ['./a.yaml'] }))).toEqual([]);
    expect(computeRelations(entity('Pipeline', { owner: 'team-a' }))).toEqual([]);
    expect(computeRelations({ apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'x' } })).toEqual(
      [],
    );
  });

  it('deduplicates case-insensitively and skips unparseable references', () => {
    expect(
      computeRelations(
        entity('Component', {
          type: 's',
          lifecycle: 'l',
          owner: 'a',
          dependsOn: ['resource:DB', 'resource:db', 'db', ''],
        }),
      ),
    ).toEqual([
      { type: 'ownedBy', targetRef: 'group:default/a' },
      { type: 'dependsOn', targetRef: 'resource:default/db' },
    ]);
  });

  it('accepts a single string where a list is expected, as Backstage does', () => {
    expect(computeRelations(entity('User', { memberOf: 'team-a' }))).toEqual([
      { type: 'memberOf', targetRef: 'group:default/team-a' },
    ]);
  });
});

describe('RELATION_PAIRS', () => {
  it('holds the seven Backstage pairs in both directions', () => {
    const pairs = [
      ['ownedBy', 'ownerOf'],
      ['providesApi', 'apiProvidedBy'],
      ['consumesApi', 'apiConsumedBy'],
      ['dependsOn', 'dependencyOf'],
      ['parentOf', 'childOf'],
      ['memberOf', 'hasMember'],
      ['partOf', 'hasPart'],
    ] as const;
    expect(Object.keys(RELATION_PAIRS)).toHaveLength(14);
    for (const [a, b] of pairs) {
      expect(inverseRelation(a)).toBe(b);
      expect(inverseRelation(b)).toBe(a);
    }
    expect(inverseRelation('toString')).toBeUndefined();
    expect(inverseRelation('unknown')).toBeUndefined();
  });

  it('gives the inverse of every relation computed for every kind', () => {
    const samples: Entity[] = [
      entity('Component', {
        owner: 'a',
        system: 's',
        subcomponentOf: 'c',
        providesApis: ['p'],
        consumesApis: ['q'],
        dependsOn: ['resource:r'],
      }),
      entity('Group', { type: 't', parent: 'p', children: ['c'], members: ['m'] }),
      entity('User', { memberOf: ['g'] }),
    ];
    const inverses = samples.flatMap((e) => computeRelations(e)).map((r) => inverseRelation(r.type));
    expect(inverses).toEqual([
      'ownerOf',
      'hasPart',
      'hasPart',
      'apiProvidedBy',
      'apiConsumedBy',
      'dependencyOf',
      'parentOf',
      'childOf',
      'memberOf',
      'hasMember',
    ]);
  });
});
