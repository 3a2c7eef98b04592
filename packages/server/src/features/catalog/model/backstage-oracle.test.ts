/**
 * Differential conformance: the verdicts of validateEntity, parseEntityRef and
 * stringifyEntityRef are compared with Backstage's own catalog-model package on a
 * corpus of valid descriptors and systematic mutations of them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  apiEntityV1alpha1Validator,
  parseEntityRef as backstageParseEntityRef,
  stringifyEntityRef as backstageStringifyEntityRef,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { kindRule } from './kinds.js';
import { parseEntityRef, stringifyEntityRef } from './refs.js';
import { validateEntity } from './validate-entity.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const files = [
  'acme/org.yaml',
  'domains.yaml',
  'systems.yaml',
  'components.yaml',
  'apis.yaml',
  'resources.yaml',
  'all.yaml',
];
const corpus = files.flatMap(
  (f) =>
    yaml.loadAll(readFileSync(join(fixtures, f), 'utf8'), undefined, { schema: yaml.CORE_SCHEMA }) as Record<
      string,
      unknown
    >[],
);

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const kindValidators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
];

/** Backstage's verdict: policies, a kind validator claiming the entity, and parseable relation refs. */
async function backstageAccepts(input: Record<string, unknown>): Promise<boolean> {
  const entity = structuredClone(input) as never;
  try {
    await policy.enforce(entity);
    let claimed = false;
    for (const validator of kindValidators) if (await validator.check(entity)) claimed = true;
    if (!claimed) return false;
    // The built-in kinds processor parses every relation field; a bad ref fails processing.
    const { kind, metadata, spec } = entity as {
      kind: string;
      metadata: { namespace?: string };
      spec: Record<string, unknown>;
    };
    const rule = kindRule(kind);
    for (const [name, field] of Object.entries(rule?.fields ?? {})) {
      if (!field.relation || spec[name] === undefined) continue;
      for (const ref of [spec[name]].flat()) {
        backstageParseEntityRef(ref as string, {
          defaultKind: field.ref?.defaultKind,
          defaultNamespace: metadata.namespace,
        });
      }
    }
    return true;
  } catch {
    return false;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const long = (n: number) => 'a'.repeat(n);
const envelopeMutations: [string, unknown][] = [
  ['apiVersion', undefined],
  ['apiVersion', 'backstage.io/v2'],
  ['apiVersion', 'Backstage.io/v1alpha1'],
  ['apiVersion', 3],
  ['kind', undefined],
  ['kind', 'component'],
  ['kind', 'Comp-onent'],
  ['metadata', undefined],
  ['metadata', 'x'],
  ['metadata.name', undefined],
  ['metadata.name', long(63)],
  ['metadata.name', long(64)],
  ['metadata.name', 'a.b_c-d'],
  ['metadata.name', '_a'],
  ['metadata.name', 'a b'],
  ['metadata.name', 42],
  ['metadata.namespace', 'team-a'],
  ['metadata.namespace', 'Team-A'],
  ['metadata.namespace', long(63)],
  ['metadata.namespace', long(64)],
  ['metadata.namespace', 'a--b'],
  ['metadata.namespace', ''],
  ['metadata.title', ''],
  ['metadata.title', 'A title'],
  ['metadata.title', 5],
  ['metadata.description', 5],
  ['metadata.labels', { 'acme.com/tier': 'gold' }],
  ['metadata.labels', { tier: '' }],
  ['metadata.labels', { tier: 'has space' }],
  ['metadata.labels', { 'a/b/c': 'x' }],
  ['metadata.labels', { [`${long(64)}`]: 'x' }],
  ['metadata.labels', { tier: 3 }],
  ['metadata.annotations', { 'backstage.io/techdocs-ref': 'dir:.' }],
  ['metadata.annotations', { 'backstage.io/orphan': true }],
  ['metadata.annotations', { 'Bad.io/x': 'y' }],
  ['metadata.annotations', { [`${long(254)}/x`]: 'y' }],
  ['metadata.tags', ['java', 'c++', 'c#', 'lang:go']],
  ['metadata.tags', ['Java']],
  ['metadata.tags', [long(63)]],
  ['metadata.tags', [long(64)]],
  ['metadata.tags', ['a--b']],
  ['metadata.tags', ['']],
  ['metadata.tags', 'java'],
  ['metadata.links', [{ url: 'https://a.example', title: 'A', icon: 'dash' }]],
  ['metadata.links', [{ title: 'A' }]],
  ['metadata.links', [{ url: 'nope' }]],
  ['metadata.links', [{ url: 'https://a.example', title: '' }]],
  ['metadata.links', [{ url: 'https://a.example', icon: 'a b' }]],
  ['metadata.extra', { anything: true }],
  ['spec', 'string'],
  ['spec', undefined],
  ['owner', 'x'],
  ['relations', []],
  ['status', {}],
];

function specMutations(kind: string): [string, unknown][] {
  const rule = kindRule(kind);
  if (!rule) return [];
  const out: [string, unknown][] = [];
  for (const [name, field] of Object.entries(rule.fields)) {
    const path = `spec.${name}`;
    out.push([path, undefined], [path, 7], [path, '']);
    if (field.shape === 'string[]') out.push([path, []], [path, ['ok']], [path, ['']], [path, 'single']);
    if (field.ref) {
      for (const ref of ['x', 'group:x', 'ns/x', 'user:ns/x', 'group:', ':x', 'a:/x', 'ns/']) {
        out.push([path, field.shape === 'string[]' ? [ref] : ref]);
      }
    }
  }
  return out;
}

describe('validateEntity agrees with Backstage catalog-model', () => {
  it('on every example descriptor', async () => {
    for (const entity of corpus) {
      expect(await backstageAccepts(entity), JSON.stringify(entity)).toBe(true);
      expect(validateEntity(entity, { descriptor: true })).toEqual([]);
    }
  });

  it('on envelope, metadata and spec mutations of every example descriptor', async () => {
    const disagreements: string[] = [];
    let cases = 0;
    for (const base of corpus) {
      const kind = base.kind as string;
      for (const [path, value] of [...envelopeMutations, ...specMutations(kind)]) {
        // Backstage 1.10 does not parse Component.dependencyOf for relations; Backbeat does (documented).
        if (kind === 'Component' && path === 'spec.dependencyOf') continue;
        const entity = structuredClone(base);
        setPath(entity, path, value);
        cases++;
        const theirs = await backstageAccepts(entity);
        const ours = validateEntity(entity, { descriptor: true }).length === 0;
        if (theirs !== ours)
          disagreements.push(`${kind} ${path}=${JSON.stringify(value)}: backstage ${theirs}, ours ${ours}`);
      }
    }
    expect(cases).toBeGreaterThan(1000);
    expect(disagreements).toEqual([]);
  });
});

describe('entity refs agree with Backstage catalog-model', () => {
  const refs = [
    'a',
    'ns/a',
    'k:a',
    'k:ns/a',
    'K:NS/A',
    'ns/a:b',
    'k:ns/a/b',
    'k:a:b',
    '',
    ':a',
    'k:',
    'k:/a',
    'k:ns/',
    '/a',
    'ns/',
  ];
  const contexts = [
    undefined,
    { defaultKind: 'Group' },
    { defaultKind: 'User', defaultNamespace: 'ops' },
    { defaultNamespace: '' },
  ];

  it.each(refs)('parseEntityRef(%j)', (ref) => {
    for (const context of contexts) {
      let theirs: unknown;
      let ours: unknown;
      try {
        theirs = backstageParseEntityRef(ref, context);
      } catch {
        theirs = 'error';
      }
      try {
        ours = parseEntityRef(ref, context);
      } catch {
        ours = 'error';
      }
      expect(ours, JSON.stringify(context)).toEqual(theirs);
      if (theirs !== 'error') {
        expect(stringifyEntityRef(ours as never)).toBe(backstageStringifyEntityRef(theirs as never));
      }
    }
  });

  it('stringifies entities and non-ASCII names identically', () => {
    for (const name of ['Ärzte', 'İstanbul', 'ΣΊΣΥΦΟΣ', 'plain']) {
      const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name } };
      expect(stringifyEntityRef(entity)).toBe(backstageStringifyEntityRef(entity));
    }
  });
});
