import { describe, expect, it } from 'vitest';
import type { Entity } from './entity.js';
import { canonicalRef, entityRefOf, parseEntityRef, stringifyEntityRef } from './refs.js';

describe('parseEntityRef', () => {
  it('parses the full string form keeping case', () => {
    expect(parseEntityRef('Component:Prod/Artist-Web')).toEqual({
      kind: 'Component',
      namespace: 'Prod',
      name: 'Artist-Web',
    });
  });

  it('fills kind and namespace from the context', () => {
    expect(parseEntityRef('team-a', { defaultKind: 'Group', defaultNamespace: 'ops' })).toEqual({
      kind: 'Group',
      namespace: 'ops',
      name: 'team-a',
    });
    expect(parseEntityRef('ops/team-a', { defaultKind: 'Group' })).toEqual({
      kind: 'Group',
      namespace: 'ops',
      name: 'team-a',
    });
    expect(parseEntityRef('user:jane', { defaultKind: 'Group' })).toEqual({
      kind: 'user',
      namespace: 'default',
      name: 'jane',
    });
  });

  it('uses the default namespace when the context gives an empty one', () => {
    expect(parseEntityRef('group:a', { defaultNamespace: '' }).namespace).toBe('default');
  });

  it('treats a slash before the first colon as ending the namespace, the rest being the name', () => {
    expect(parseEntityRef('ns/a:b', { defaultKind: 'Component' })).toEqual({
      kind: 'Component',
      namespace: 'ns',
      name: 'a:b',
    });
    expect(parseEntityRef('component:ns/a/b')).toEqual({ kind: 'component', namespace: 'ns', name: 'a/b' });
  });

  it('accepts the compound form', () => {
    expect(parseEntityRef({ name: 'jane' }, { defaultKind: 'User' })).toEqual({
      kind: 'User',
      namespace: 'default',
      name: 'jane',
    });
    expect(parseEntityRef({ kind: 'API', namespace: 'x', name: 'y' })).toEqual({
      kind: 'API',
      namespace: 'x',
      name: 'y',
    });
  });

  it.each([
    ['', /must not be empty/],
    [':name', /not on the form/],
    ['component:', /not on the form/],
    ['component:/name', /not on the form/],
    ['component:ns/', /not on the form/],
  ])('rejects malformed %j', (ref, message) => {
    expect(() => parseEntityRef(ref, { defaultKind: 'Component' })).toThrow(message);
  });

  it('rejects a reference without kind when no default kind is given', () => {
    expect(() => parseEntityRef('artists-db')).toThrow(/names no kind/);
    expect(() => parseEntityRef({ name: 'x' })).toThrow(/names no kind/);
  });

  it('rejects a compound form without name', () => {
    expect(() => parseEntityRef({ kind: 'Group', name: '' })).toThrow(/empty name/);
  });
});

describe('stringifyEntityRef', () => {
  it('lowercases all parts and defaults the namespace', () => {
    expect(stringifyEntityRef({ kind: 'Group', namespace: 'Ops', name: 'Team-A' })).toBe('group:ops/team-a');
    expect(stringifyEntityRef({ kind: 'API', name: 'Spotify' } as never)).toBe('api:default/spotify');
  });

  it('stringifies an entity', () => {
    const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'Web' } };
    expect(stringifyEntityRef(entity)).toBe('component:default/web');
    expect(stringifyEntityRef({ ...entity, metadata: { name: 'Web', namespace: 'Prod' } })).toBe('component:prod/web');
  });

  it('round-trips through parseEntityRef', () => {
    const ref = 'resource:storage/artists-db';
    expect(stringifyEntityRef(parseEntityRef(ref))).toBe(ref);
  });
});

describe('entityRefOf and canonicalRef', () => {
  it('gives the compound ref with the namespace defaulted and case kept', () => {
    expect(entityRefOf({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'Jane' } })).toEqual({
      kind: 'User',
      namespace: 'default',
      name: 'Jane',
    });
  });

  it('returns undefined instead of throwing', () => {
    expect(canonicalRef('Team-A', { defaultKind: 'Group' })).toBe('group:default/team-a');
    expect(canonicalRef('artists-db')).toBeUndefined();
  });
});
