import { describe, expect, it } from 'vitest';
import type { EntityHeader } from '../store/catalog-write-store.js';
import { componentYaml, locationYaml } from '../testing/catalog-fixtures.js';
import { MANAGED_BY_LOCATION, planChanges, prepareFile } from './entity-processor.js';

const context = { managedBy: 'git:/srv/web', origin: 'git:/srv/org' };

function plan(
  files: ReturnType<typeof prepareFile>[],
  existing: EntityHeader[] = [],
  owners = new Map<string, string | null>(),
) {
  return planChanges({
    locationId: 'L1',
    now: '2026-01-01T00:00:00.000Z',
    files,
    deletedPaths: [],
    existing,
    owners,
    storedJson: new Map(),
    describeLocation: (id) => `loc ${id}`,
  });
}

describe('prepareFile', () => {
  it('annotates entities, defaults the namespace, computes relations and a stable hash', () => {
    const a = prepareFile('catalog-info.yaml', componentYaml('web'), context);
    const b = prepareFile('catalog-info.yaml', componentYaml('web'), context);
    expect(a.errors).toEqual([]);
    const entity = a.entities[0]!;
    expect(entity.ref).toBe('component:default/web');
    expect(entity.entity.metadata.namespace).toBe('default');
    expect(entity.entity.metadata.annotations?.[MANAGED_BY_LOCATION]).toBe('git:/srv/web');
    expect(entity.relations).toEqual([{ type: 'ownedBy', targetRef: 'group:default/team-a' }]);
    expect(entity.hash).toBe(b.entities[0]!.hash);
    expect(prepareFile('catalog-info.yaml', componentYaml('web', { owner: 'x' }), context).entities[0]!.hash).not.toBe(
      entity.hash,
    );
  });

  it('collects Location targets and keeps going past a broken document', () => {
    const text = `${locationYaml('root', ['./a.yaml', 'https://x.example.com/b.yaml'])}---\nkind: [\n---\n${componentYaml('ok')}`;
    const outcome = prepareFile('c.yaml', text, context);
    expect(outcome.targets.map((t) => t.target)).toEqual(['./a.yaml', 'https://x.example.com/b.yaml']);
    expect(outcome.entities.map((e) => e.ref)).toEqual(['location:default/root', 'component:default/ok']);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]!.line).toBeGreaterThan(0);
  });
});

describe('planChanges', () => {
  it('adds new entities with uid and generation 1', () => {
    const result = plan([prepareFile('a.yaml', componentYaml('web'), context)]);
    expect(result.added).toEqual(['component:default/web']);
    const row = result.upserts[0]!.row;
    expect(row.generation).toBe(1);
    expect(JSON.parse(row.entity_json).metadata).toMatchObject({ uid: row.uid, generation: 1 });
    expect(result.upserts[0]!.search.some((s) => s.key === 'metadata.uid' && s.value === row.uid.toLowerCase())).toBe(
      true,
    );
  });

  it('skips unchanged entities, rewrites changed ones and removes vanished ones', () => {
    const before = prepareFile(
      'a.yaml',
      `${componentYaml('same')}---\n${componentYaml('changes')}---\n${componentYaml('goes')}`,
      context,
    );
    const header = (ref: string, hash: string): EntityHeader => ({
      uid: `uid-${ref}`,
      entityRef: ref,
      kind: 'component',
      filePath: 'a.yaml',
      hash,
      generation: 3,
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    const existing = before.entities.map((e) => header(e.ref, e.hash));
    const after = prepareFile(
      'a.yaml',
      `${componentYaml('same')}---\n${componentYaml('changes', { owner: 'b' })}`,
      context,
    );
    const result = plan([after], existing);
    expect(result.unchanged).toBe(1);
    expect(result.updated).toEqual(['component:default/changes']);
    expect(result.removeRefs).toEqual(['component:default/goes']);
    expect(result.upserts[0]!.row).toMatchObject({
      uid: 'uid-component:default/changes',
      generation: 4,
      created_at: '2025-01-01T00:00:00.000Z',
    });
  });

  it('reports duplicates within the location and conflicts with other locations', () => {
    const a = prepareFile('a.yaml', componentYaml('dup'), context);
    const b = prepareFile('b.yaml', `${componentYaml('dup')}---\n${componentYaml('theirs')}`, context);
    const result = plan([a, b], [], new Map([['component:default/theirs', 'L2']]));
    expect(result.added).toEqual(['component:default/dup']);
    expect(result.errors.map((e) => [e.filePath, e.entityRef])).toEqual([
      ['b.yaml', 'component:default/dup'],
      ['b.yaml', 'component:default/theirs'],
    ]);
    expect(result.errors[1]!.message).toContain('loc L2');
    expect([...result.conflictPaths]).toEqual(['b.yaml']);
  });
});
