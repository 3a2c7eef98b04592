import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateDescriptorFiles } from './validate-files.js';

const dir = mkdtempSync(join(tmpdir(), 'descriptors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const user = (name: string, namespace = 'default') =>
  `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  memberOf: []\n`;

describe('validateDescriptorFiles', () => {
  it('counts valid entities and collects errors per file', async () => {
    const good = write('good.yaml', `${user('ana')}---\n${user('bo')}`);
    const bad = write('bad.yaml', `${user('chen')}---\nkind: User\nmetadata: {name: x}\nspec: {memberOf: []}\n`);
    const [g, b] = await validateDescriptorFiles([good, bad]);
    expect(g).toEqual({ file: good, entities: 2, errors: [] });
    expect(b?.entities).toBe(1);
    expect(b?.errors).toEqual([
      {
        file: bad,
        line: 9,
        field: 'apiVersion',
        entityRef: 'user:default/x',
        message: expect.stringMatching(/apiVersion is required/),
      },
    ]);
  });

  it('flags an entity defined twice across files, case-insensitively', async () => {
    const first = write('first.yaml', user('Dana'));
    const second = write('second.yaml', `${user('eve')}---\n${user('dana')}`);
    const other = write('other.yaml', user('dana', 'ops'));
    const [a, b, c] = await validateDescriptorFiles([first, second, other]);
    expect(a?.errors).toEqual([]);
    expect(b?.entities).toBe(1);
    expect(b?.errors).toEqual([
      {
        file: second,
        line: 9,
        entityRef: 'user:default/dana',
        message: `Duplicate entity user:default/dana: already defined at ${first}:1`,
      },
    ]);
    expect(c?.errors).toEqual([]);
  });

  it('reports an unreadable file and goes on with the others', async () => {
    const good = write('fine.yaml', user('fred'));
    const reports = await validateDescriptorFiles([join(dir, 'missing.yaml'), good]);
    expect(reports[0]?.errors[0]?.message).toBe('Cannot read file: ENOENT');
    expect(reports[1]).toEqual({ file: good, entities: 1, errors: [] });
  });
});
