import { describe, expect, it } from 'vitest';
import type { Entity } from './entity.js';
import { fullTextOf, toSearchRows } from './search-rows.js';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'Artist-Web',
    title: 'Artist Web',
    description: 'The place to be for great artists',
    tags: ['java', 'web', 'java'],
    annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
    links: [{ url: 'https://example.com/DASH', title: 'Dashboard' }],
    etag: 'abc',
  },
  spec: { type: 'website', lifecycle: 'production', owner: 'Team-A', nothing: null, long: 'x'.repeat(201), port: 8080 },
};

const rowsOf = (e: Entity, relations: { type: string; targetRef: string }[] = []) =>
  toSearchRows(e, relations).map((r) => [r.key, r.value] as const);

describe('toSearchRows', () => {
  it('flattens leaves to dotted lowercased keys and values, keeping the original value', () => {
    const rows = toSearchRows(entity, []);
    expect(rows).toContainEqual({ key: 'kind', value: 'component', originalValue: 'Component' });
    expect(rows).toContainEqual({
      key: 'apiversion',
      value: 'backstage.io/v1alpha1',
      originalValue: 'backstage.io/v1alpha1',
    });
    expect(rows).toContainEqual({ key: 'spec.owner', value: 'team-a', originalValue: 'Team-A' });
    expect(rows).toContainEqual({ key: 'spec.port', value: '8080', originalValue: '8080' });
    expect(rows).toContainEqual({
      key: 'metadata.annotations.backstage.io/techdocs-ref',
      value: 'dir:.',
      originalValue: 'dir:.',
    });
    expect(rows).toContainEqual({
      key: 'metadata.links.url',
      value: 'https://example.com/dash',
      originalValue: 'https://example.com/DASH',
    });
  });

  it('writes arrays of strings as value rows and as path.item = true rows, without duplicates', () => {
    const rows = rowsOf(entity);
    expect(rows.filter(([k]) => k === 'metadata.tags')).toEqual([
      ['metadata.tags', 'java'],
      ['metadata.tags', 'web'],
    ]);
    expect(rows.filter(([k]) => k.startsWith('metadata.tags.'))).toEqual([
      ['metadata.tags.java', 'true'],
      ['metadata.tags.web', 'true'],
    ]);
  });

  it('always writes name and namespace (defaulted), skips etag, relations and status', () => {
    const rows = rowsOf({ ...entity, relations: [{ type: 'x', targetRef: 'y' }], status: { items: [] } });
    expect(rows.filter(([k]) => k === 'metadata.name')).toEqual([['metadata.name', 'artist-web']]);
    expect(rows.filter(([k]) => k === 'metadata.namespace')).toEqual([['metadata.namespace', 'default']]);
    expect(rows.some(([k]) => k === 'metadata.etag' || k.startsWith('status') || k === 'relations.x')).toBe(false);
    expect(rows.some(([k]) => k === 'metadata.uid')).toBe(false);
    const withUid = rowsOf({ ...entity, metadata: { ...entity.metadata, uid: 'U1', namespace: 'Media' } });
    expect(withUid).toContainEqual(['metadata.uid', 'u1']);
    expect(withUid).toContainEqual(['metadata.namespace', 'media']);
  });

  it('stores null for null leaves and values longer than 200 characters', () => {
    const rows = rowsOf(entity);
    expect(rows).toContainEqual(['spec.nothing', null]);
    expect(rows).toContainEqual(['spec.long', null]);
    const ok = rowsOf({ ...entity, spec: { long: 'x'.repeat(200) } });
    expect(ok).toContainEqual(['spec.long', 'x'.repeat(200)]);
  });

  it('drops keys longer than 200 characters', () => {
    const rows = rowsOf({ ...entity, spec: { ['k'.repeat(200)]: 'v' } });
    expect(rows.some(([k]) => k.startsWith('spec.k'))).toBe(false);
  });

  it('adds one relations.<type> row per relation', () => {
    const rows = rowsOf(entity, [
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      { type: 'memberOf', targetRef: 'group:default/Ops' },
    ]);
    expect(rows).toContainEqual(['relations.ownedby', 'group:default/team-a']);
    expect(rows).toContainEqual(['relations.memberof', 'group:default/ops']);
  });

  it('collapses keys that differ only in case into one row per value', () => {
    const rows = rowsOf({ ...entity, spec: { Foo: 'a', foo: 'a' } });
    expect(rows.filter(([k]) => k === 'spec.foo')).toEqual([['spec.foo', 'a']]);
  });
});

describe('fullTextOf', () => {
  it('joins name, title, description, tags and owner, lowercased', () => {
    expect(fullTextOf(entity, 'group:default/team-a')).toBe(
      'artist-web artist web the place to be for great artists java web java group:default/team-a',
    );
  });

  it('falls back to spec.owner and tolerates missing fields', () => {
    expect(fullTextOf(entity)).toContain('team-a');
    expect(fullTextOf({ apiVersion: 'a/v1', kind: 'User', metadata: { name: 'Jane' } })).toBe('jane');
  });
});
