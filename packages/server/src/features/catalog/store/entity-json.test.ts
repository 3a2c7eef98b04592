import { describe, expect, it } from 'vitest';
import type { EntityRelation } from '../model/entity.js';
import { groupRelations } from './catalog-read-store.js';
import {
  entityJsonWithRelations,
  parseRow,
  type RelationEdge,
  relationsJsonByRef,
  type StoredEntityText,
} from './entity-json.js';

const relations: EntityRelation[] = [
  {
    type: 'ownedBy',
    targetRef: 'group:default/team-a',
    target: { kind: 'group', namespace: 'default', name: 'team-a' },
  },
];

/** What the API sent before: the parsed entity with relations set, stringified. */
function parsedForm(row: StoredEntityText, rels: readonly EntityRelation[]): string {
  const entity = parseRow(row);
  entity.relations = [...rels];
  return JSON.stringify(entity);
}

function storedRow(entity: unknown): StoredEntityText {
  return { uid: 'row-uid', entity_json: JSON.stringify(entity), hash: 'row-hash', generation: 3 };
}

describe('entityJsonWithRelations', () => {
  it('appends relations to stored text as ingestion writes it, byte for byte as the parsed form', () => {
    const row = storedRow({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'web',
        description: 'Says "hi" in 日本語 \u2028 and \\ backslashes',
        annotations: { 'backstage.io/managed-by-location': 'git:/srv/web', '10': 'numeric key' },
        uid: 'stored-uid',
        etag: 'stored-etag',
        generation: 2,
      },
      spec: { type: 'service', owner: 'team-a' },
    });
    const text = entityJsonWithRelations(row, relations);
    expect(text).toBe(parsedForm(row, relations));
    expect(text.endsWith(`,"relations":${JSON.stringify(relations)}}`)).toBe(true);
    expect(JSON.parse(text).metadata.uid).toBe('stored-uid');
  });

  it('serves an entity with no relations with an empty list', () => {
    const row = storedRow({
      apiVersion: 'v1',
      kind: 'Group',
      metadata: { name: 'a', uid: 'u', etag: 'e', generation: 1 },
    });
    expect(entityJsonWithRelations(row, [])).toBe(parsedForm(row, []));
    expect(JSON.parse(entityJsonWithRelations(row, [])).relations).toEqual([]);
  });

  it('fills in server fields the stored text lacks, from the row', () => {
    const row = storedRow({ apiVersion: 'v1', kind: 'Component', metadata: { name: 'web' }, spec: {} });
    const text = entityJsonWithRelations(row, relations);
    expect(text).toBe(parsedForm(row, relations));
    expect(JSON.parse(text).metadata).toEqual({ name: 'web', uid: 'row-uid', etag: 'row-hash', generation: 3 });
  });

  it('keeps a stored root relations key in its place rather than adding a second one', () => {
    const row = storedRow({
      apiVersion: 'v1',
      kind: 'Component',
      metadata: { name: 'web', uid: 'u', etag: 'e', generation: 1, tags: ['relations'] },
      relations: [{ type: 'stale', targetRef: 'x:y/z' }],
      spec: {},
    });
    const text = entityJsonWithRelations(row, relations);
    expect(text).toBe(parsedForm(row, relations));
    expect(Object.keys(JSON.parse(text))).toEqual(['apiVersion', 'kind', 'metadata', 'relations', 'spec']);
    expect(JSON.parse(text).relations).toEqual(relations);
  });
});

describe('relationsJsonByRef', () => {
  it('writes the same text as serialising grouped relations, duplicates and inverse edges included', () => {
    const rows: RelationEdge[] = [
      { source_ref: 'component:default/web', type: 'ownedBy', target_ref: 'group:default/team-a' },
      { source_ref: 'component:default/web', type: 'dependsOn', target_ref: 'component:default/api' },
      { source_ref: 'component:default/web', type: 'dependsOn', target_ref: 'resource:default/db' },
      { source_ref: 'component:default/api', type: 'dependencyOf', target_ref: 'component:default/web' },
      // Declared from both ends: one relation, served once.
      { source_ref: 'group:default/team-b', type: 'childOf', target_ref: 'group:default/team-a' },
      { source_ref: 'group:default/team-a', type: 'parentOf', target_ref: 'group:default/team-b' },
      { source_ref: 'user:other/al"ice', type: 'memberOf', target_ref: 'group:default/team-a' },
      { source_ref: 'component:default/web', type: 'custom', target_ref: 'system:default/x' },
    ];
    const refs = ['component:default/web', 'component:default/api', 'group:default/team-a', 'group:default/team-b'];
    const json = relationsJsonByRef(refs, rows);
    const grouped = groupRelations(refs, rows);
    expect([...json.keys()].sort()).toEqual([...grouped.keys()].sort());
    for (const ref of refs) expect(json.get(ref)).toBe(JSON.stringify(grouped.get(ref)));
    expect(JSON.parse(json.get('group:default/team-a') ?? '[]').map((r: EntityRelation) => r.type)).toEqual([
      'hasMember',
      'ownerOf',
      'parentOf',
    ]);
  });

  it('leaves out refs nobody asked for and refs without relations', () => {
    const rows: RelationEdge[] = [
      { source_ref: 'component:default/web', type: 'ownedBy', target_ref: 'group:default/a' },
    ];
    expect([...relationsJsonByRef(['component:default/web', 'component:default/lonely'], rows).keys()]).toEqual([
      'component:default/web',
    ]);
  });
});
