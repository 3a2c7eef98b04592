import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  danglingRefs,
  inconsistentGroupTree,
  NAME_PATTERN,
  parseDescriptors,
  TAG_PATTERN,
} from './testing/descriptor-checks.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'examples', 'descriptors');

describe('examples/descriptors', () => {
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('catalog-info.yaml'));
  const entities = files.flatMap((f) => parseDescriptors(readFileSync(join(dir, f), 'utf8'), f));

  it('parse and together have no dangling references', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(danglingRefs(entities)).toEqual([]);
    expect(inconsistentGroupTree(entities)).toEqual([]);
  });

  it('use valid names and tags and cover every core kind', () => {
    for (const e of entities) {
      expect(e.apiVersion).toBe('backstage.io/v1alpha1');
      expect(e.metadata.name).toMatch(NAME_PATTERN);
      for (const tag of e.metadata.tags ?? []) expect(tag).toMatch(TAG_PATTERN);
    }
    expect(new Set(entities.map((e) => e.kind))).toEqual(
      new Set(['Group', 'User', 'Domain', 'System', 'Resource', 'API', 'Component']),
    );
  });
});
