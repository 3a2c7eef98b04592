import { describe, expect, it } from 'vitest';
import type { Entity } from './entity.js';
import { asPlaceholder, findPlaceholders, resolvePlaceholders } from './placeholders.js';
import { validateEntity } from './validate-entity.js';

const api = (): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'petstore', description: { $text: './README.md' } as unknown as string },
  spec: {
    type: 'openapi',
    lifecycle: 'production',
    owner: 'team-a',
    definition: { $text: './openapi.yaml' },
    schema: { $ref: '#/definitions/pet' },
    extra: { $json: './extra.json' },
    list: [{ $yaml: './item.yaml' }],
  },
});

describe('placeholders', () => {
  it('recognises exactly one known $-key with a string value', () => {
    expect(asPlaceholder({ $text: 'a' })).toEqual({ kind: 'text', target: 'a' });
    expect(asPlaceholder({ $yaml: 'a' })).toEqual({ kind: 'yaml', target: 'a' });
    expect(asPlaceholder({ $ref: 'a' })).toBeUndefined();
    expect(asPlaceholder({ $text: 'a', other: 1 })).toBeUndefined();
    expect(asPlaceholder({ $text: 3 })).toBeUndefined();
    expect(asPlaceholder(['$text'])).toBeUndefined();
    expect(asPlaceholder({})).toBeUndefined();
  });

  it('finds every placeholder with its path', () => {
    expect(findPlaceholders(api()).map((p) => [p.path, p.kind, p.target])).toEqual([
      ['metadata.description', 'text', './README.md'],
      ['spec.definition', 'text', './openapi.yaml'],
      ['spec.extra', 'json', './extra.json'],
      ['spec.list.0', 'yaml', './item.yaml'],
    ]);
  });

  it('lets unresolved placeholders pass validation', () => {
    expect(validateEntity(api())).toEqual([]);
  });

  it('resolves text, json and yaml through the given reader without touching the input', async () => {
    const files: Record<string, string> = {
      './README.md': 'Pets!',
      './openapi.yaml': 'openapi: 3.0.0\n',
      './extra.json': '{"a": [1, 2]}',
      './item.yaml': '# c\nkey: value\n',
    };
    const input = api();
    const { entity, errors } = await resolvePlaceholders(input, async (target) => files[target]!);
    expect(errors).toEqual([]);
    expect(entity.metadata.description).toBe('Pets!');
    expect(entity.spec).toMatchObject({
      definition: 'openapi: 3.0.0\n',
      extra: { a: [1, 2] },
      list: [{ key: 'value' }],
      schema: { $ref: '#/definitions/pet' },
    });
    expect(input.spec?.definition).toEqual({ $text: './openapi.yaml' });
    expect(validateEntity(entity)).toEqual([]);
  });

  it('reports unreadable or unparseable targets and resolves the rest', async () => {
    const { entity, errors } = await resolvePlaceholders(api(), async (target) => {
      if (target === './openapi.yaml') throw new Error('ENOENT');
      if (target === './extra.json') return '{bad';
      if (target === './item.yaml') return 'a: 1\n---\nb: 2\n';
      return 'ok';
    });
    expect(errors.map((e) => e.path)).toEqual(['spec.definition', 'spec.extra', 'spec.list.0']);
    expect(errors[0]?.message).toMatch(/ENOENT/);
    expect(errors[2]?.message).toMatch(/exactly one YAML document, found 2/);
    expect(entity.metadata.description).toBe('ok');
    expect(entity.spec?.definition).toEqual({ $text: './openapi.yaml' });
  });

  it('returns the same entity when there is nothing to resolve', async () => {
    const plain: Entity = { apiVersion: 'a/v1', kind: 'Thing', metadata: { name: 'x' } };
    const result = await resolvePlaceholders(plain, async () => {
      throw new Error('must not read');
    });
    expect(result.entity).toBe(plain);
  });

  it('resolves annotation keys that contain dots', async () => {
    const e: Entity = {
      apiVersion: 'a/v1',
      kind: 'Thing',
      metadata: { name: 'x', annotations: { 'acme.com/owner-notes': { $text: './n.txt' } as unknown as string } },
    };
    expect(validateEntity(e)).toEqual([]);
    const { entity } = await resolvePlaceholders(e, async () => 'notes');
    expect(entity.metadata.annotations).toEqual({ 'acme.com/owner-notes': 'notes' });
  });
});
