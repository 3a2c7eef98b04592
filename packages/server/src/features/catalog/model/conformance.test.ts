import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Entity } from './entity.js';
import { parseDescriptors } from './parse-descriptors.js';
import { stringifyEntityRef } from './refs.js';
import { computeRelations, inverseRelation } from './relations.js';
import { toSearchRows } from './search-rows.js';
import { validateDescriptorFiles } from './validate-files.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const root = join(fixtures, 'all.yaml');

function loadExampleCatalog(): { files: string[]; entities: Entity[] } {
  const rootDocs = parseDescriptors(readFileSync(root, 'utf8'), { file: root });
  const location = rootDocs[0];
  if (!location?.ok) throw new Error('the root Location must parse');
  const targets = location.entity.spec?.targets as string[];
  const files = [root, ...targets.map((t) => join(fixtures, t))];
  const entities = files.flatMap((file) =>
    parseDescriptors(readFileSync(file, 'utf8'), { file }).flatMap((d) => (d.ok ? [d.entity] : [])),
  );
  return { files, entities };
}

describe('example catalog in Backstage descriptor format', () => {
  it('validates cleanly, file by file', async () => {
    const { files } = loadExampleCatalog();
    const reports = await validateDescriptorFiles(files);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(reports.map((r) => r.entities)).toEqual([1, 13, 3, 3, 7, 3, 3, 1]);
  });

  it('holds every built-in kind and every org group type', () => {
    const { entities } = loadExampleCatalog();
    const kinds = new Set(entities.map((e) => e.kind));
    expect([...kinds].sort()).toEqual([
      'API',
      'Component',
      'Domain',
      'Group',
      'Location',
      'Resource',
      'System',
      'Template',
      'User',
    ]);
    const groupTypes = new Set(entities.filter((e) => e.kind === 'Group').map((e) => e.spec?.type));
    for (const t of ['department', 'tribe', 'squad', 'chapter', 'guild']) expect(groupTypes.has(t)).toBe(true);
  });

  it('has no dangling references: every relation targets an entity of the catalog', () => {
    const { entities } = loadExampleCatalog();
    const refs = new Set(entities.map((e) => stringifyEntityRef(e)));
    const dangling = entities.flatMap((e) =>
      computeRelations(e)
        .filter((r) => !refs.has(r.targetRef))
        .map((r) => `${stringifyEntityRef(e)} ${r.type} ${r.targetRef}`),
    );
    expect(dangling).toEqual([]);
  });

  it('agrees with itself on both directions of the org tree', () => {
    const { entities } = loadExampleCatalog();
    const edges = new Set<string>();
    for (const e of entities) {
      for (const r of computeRelations(e)) edges.add(`${stringifyEntityRef(e)} ${r.type} ${r.targetRef}`);
    }
    // Group parent/children and members/memberOf are written on both sides in the example org.
    for (const edge of edges) {
      const [source, type, target] = edge.split(' ') as [string, string, string];
      if (!['childOf', 'parentOf', 'hasMember'].includes(type)) continue;
      expect(edges.has(`${target} ${inverseRelation(type)} ${source}`), edge).toBe(true);
    }
  });

  it('flattens every entity into search rows with kind, name and namespace', () => {
    const { entities } = loadExampleCatalog();
    for (const e of entities) {
      const rows = toSearchRows(e, computeRelations(e));
      const keys = new Set(rows.map((r) => r.key));
      for (const k of ['kind', 'metadata.name', 'metadata.namespace']) expect(keys.has(k)).toBe(true);
      expect(rows.every((r) => r.value === null || r.value === r.value.toLowerCase())).toBe(true);
    }
  });
});
