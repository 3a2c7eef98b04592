import { describe, expect, it } from 'vitest';
import { type ParsedDocument, parseDescriptors } from './parse-descriptors.js';

const file = 'catalog-info.yaml';

const component = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

const okRefs = (docs: ParsedDocument[]) => docs.flatMap((d) => (d.ok ? [d.entityRef] : []));

describe('parseDescriptors', () => {
  it('parses a single valid document', () => {
    const docs = parseDescriptors(component('artist-web'), { file });
    expect(docs).toHaveLength(1);
    const [doc] = docs;
    expect(doc?.ok).toBe(true);
    if (doc?.ok) {
      expect(doc.entityRef).toBe('component:default/artist-web');
      expect(doc.line).toBe(1);
      expect(doc.entity.spec?.owner).toBe('team-a');
    }
  });

  it('parses multiple documents, skips empty ones and reports each document start line', () => {
    const text = `# catalog\n---\n${component('a')}---\n---\n# only a comment\n---\n${component('b')}...\n`;
    const docs = parseDescriptors(text, { file });
    expect(okRefs(docs)).toEqual(['component:default/a', 'component:default/b']);
    expect(docs.map((d) => d.line)).toEqual([3, 15]);
  });

  it('reports a YAML syntax error with 1-based line and column and keeps the other documents', () => {
    const broken =
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: broken\n   bad: indentation\n';
    const text = `${component('a')}---\n${broken}---\n${component('b')}`;
    const docs = parseDescriptors(text, { file });
    expect(okRefs(docs)).toEqual(['component:default/a', 'component:default/b']);
    const bad = docs[1];
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) {
      expect(bad.errors).toHaveLength(1);
      expect(bad.error).toEqual(bad.errors[0]);
      // The broken document starts at line 10; its bad line is the 5th of it.
      expect(bad.error).toMatchObject({ file, line: 14, column: 7 });
      expect(bad.error.message).toMatch(/^Invalid YAML: bad indentation/);
      expect(bad.line).toBe(10);
    }
  });

  it('locates an unterminated flow collection and a tab indentation error', () => {
    const docs = parseDescriptors(`${component('a')}---\nkind: [a, b\n`, { file });
    expect(docs[0]?.ok).toBe(true);
    const bad = docs[1];
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) expect(bad.error.line).toBeGreaterThanOrEqual(10);

    const tab = parseDescriptors('kind: Component\nmetadata:\n\tname: x\n', { file })[0];
    expect(tab?.ok).toBe(false);
    if (tab && !tab.ok) expect(tab.error).toMatchObject({ line: 3, column: 1 });
  });

  it('reports duplicate keys as YAML errors', () => {
    const doc = parseDescriptors('kind: Component\nkind: API\n', { file })[0];
    expect(doc?.ok).toBe(false);
    if (doc && !doc.ok)
      expect(doc.error).toMatchObject({ line: 2, message: expect.stringMatching(/duplicated mapping key/) });
  });

  it('rejects documents that are not maps', () => {
    const docs = parseDescriptors('- a\n- b\n---\njust text\n', { file });
    expect(docs).toHaveLength(2);
    for (const d of docs) {
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.error.message).toMatch(/must be a map/);
    }
  });

  it('turns rule violations into errors with field, entity ref and the field line', () => {
    const text = `${component('a')}---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
  namespace: Media
  annotations:
    backstage.io/orphan: true
  tags:
    - java
    - Go
spec:
  type: website
  lifecycle: production
  dependsOn:
    - resource:db
    - cache
`;
    const docs = parseDescriptors(text, { file });
    expect(docs[0]?.ok).toBe(true);
    const bad = docs[1];
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) {
      expect(bad.entityRef).toBe('component:media/web');
      const byField = Object.fromEntries(bad.errors.map((e) => [e.field, e.line]));
      expect(byField).toEqual({
        'metadata.namespace': 14,
        'metadata.annotations.backstage.io/orphan': 16,
        'metadata.tags.1': 19,
        'spec.owner': 20,
        'spec.dependsOn.1': 25,
      });
      for (const e of bad.errors) expect(e).toMatchObject({ file, entityRef: 'component:media/web' });
    }
  });

  it('keeps timestamps and version-like values as strings (YAML 1.2 core schema)', () => {
    const doc = parseDescriptors(
      'apiVersion: backstage.io/v1alpha1\nkind: Thing\nmetadata:\n  name: x\n  annotations:\n    acme.com/since: 2024-01-02\nspec:\n  on: yes\n',
      { file },
    )[0];
    expect(doc?.ok).toBe(true);
    if (doc?.ok) {
      expect(doc.entity.metadata.annotations?.['acme.com/since']).toBe('2024-01-02');
      expect(doc.entity.spec?.on).toBe('yes');
    }
  });

  it('rejects relations and status written in a file, as Backstage does', () => {
    const doc = parseDescriptors(
      `${component('a')}relations:\n  - type: ownedBy\n    targetRef: group:default/x\nstatus: {}\n`,
      {
        file,
      },
    )[0];
    expect(doc?.ok).toBe(false);
    if (doc && !doc.ok) {
      expect(doc.errors.map((e) => [e.field, e.line])).toEqual([
        ['relations', 9],
        ['status', 12],
      ]);
      expect(doc.error.message).toMatch(/computed by the catalog/);
    }
  });

  it('handles a BOM, CRLF line ends, directives and content on the separator line', () => {
    const crlf = `\uFEFF${component('a').replace(/\n/g, '\r\n')}---\r\n${component('b').replace(/\n/g, '\r\n')}`;
    expect(okRefs(parseDescriptors(crlf, { file }))).toEqual(['component:default/a', 'component:default/b']);
    const directive = `%YAML 1.2\n---\n${component('a')}`;
    const docs = parseDescriptors(directive, { file });
    expect(okRefs(docs)).toEqual(['component:default/a']);
    expect(docs[0]?.line).toBe(3);
    const inline = parseDescriptors('--- {apiVersion: a/v1, kind: Thing, metadata: {name: x}}\n', { file });
    expect(okRefs(inline)).toEqual(['thing:default/x']);
  });

  it('does not split on --- inside a block scalar or a quoted string', () => {
    const text = `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: api
  description: "a --- b"
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition: |
    openapi: 3.0.0
    ---
    not a separator
`;
    const docs = parseDescriptors(text, { file });
    expect(docs).toHaveLength(1);
    expect(docs[0]?.ok).toBe(true);
    if (docs[0]?.ok) expect(docs[0].entity.spec?.definition).toContain('---\nnot a separator');
  });

  it('accepts unresolved $text placeholders where strings are expected', () => {
    const text = `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: petstore
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./petstore.oas.yaml
`;
    const doc = parseDescriptors(text, { file })[0];
    expect(doc?.ok).toBe(true);
    if (doc?.ok) expect(doc.entity.spec?.definition).toEqual({ $text: './petstore.oas.yaml' });
  });

  it('returns nothing for an empty file', () => {
    expect(parseDescriptors('', { file })).toEqual([]);
    expect(parseDescriptors('# nothing\n---\n', { file })).toEqual([]);
  });
});
