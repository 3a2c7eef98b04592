import { describe, expect, it } from 'vitest';
import {
  isValidApiVersion,
  isValidEntityName,
  isValidKind,
  isValidLabelOrAnnotationKey,
  isValidLabelValue,
  isValidNamespace,
  isValidTag,
  validateEntity,
} from './validate-entity.js';

const base = () => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'artist-web' } as Record<string, unknown>,
  spec: { type: 'website', lifecycle: 'production', owner: 'team-a' } as Record<string, unknown>,
});

const fields = (entity: unknown) => validateEntity(entity).map((p) => p.field);

describe('name, namespace, kind, apiVersion, tag patterns', () => {
  it('entity name: 1-63 chars of [A-Za-z0-9] separated by [-_.]', () => {
    for (const ok of ['a', 'A1', 'artist-web', 'my_service.v2', 'x'.repeat(63), 'a--b', 'a.-_b']) {
      expect(isValidEntityName(ok), ok).toBe(true);
    }
    for (const bad of ['', 'x'.repeat(64), '-a', 'a-', '.a', 'a_', 'a b', 'a/b', 'ä', 12]) {
      expect(isValidEntityName(bad), String(bad)).toBe(false);
    }
  });

  it('namespace: DNS label, lowercase, 1-63 chars, no edge hyphens', () => {
    for (const ok of ['default', 'team-a', 'a1', 'a--b', 'x'.repeat(63)]) expect(isValidNamespace(ok), ok).toBe(true);
    for (const bad of ['', 'Team', 'a_b', 'a.b', '-a', 'a-', 'x'.repeat(64)]) {
      expect(isValidNamespace(bad), bad).toBe(false);
    }
  });

  it('kind: a letter then letters and digits, 1-63 chars', () => {
    for (const ok of ['Component', 'API', 'x', 'K8sCluster', `K${'x'.repeat(62)}`])
      expect(isValidKind(ok), ok).toBe(true);
    for (const bad of ['', '1Kind', 'my-kind', 'my_kind', `K${'x'.repeat(63)}`])
      expect(isValidKind(bad), bad).toBe(false);
  });

  it('apiVersion: optional DNS-subdomain prefix and alphanumeric version', () => {
    for (const ok of ['backstage.io/v1alpha1', 'v1', 'scaffolder.backstage.io/v1beta3', `a/${'v'.repeat(63)}`]) {
      expect(isValidApiVersion(ok), ok).toBe(true);
    }
    for (const bad of [
      '',
      'backstage.io/',
      '/v1',
      'a/b/c',
      'Backstage.io/v1',
      'backstage.io/v1-alpha',
      `a/${'v'.repeat(64)}`,
    ]) {
      expect(isValidApiVersion(bad), bad).toBe(false);
    }
    const longPrefix = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`; // 253
    expect(isValidApiVersion(`${longPrefix}/v1`)).toBe(true);
    expect(isValidApiVersion(`${longPrefix}e/v1`)).toBe(false);
  });

  it('label and annotation keys: optional prefix, name rule for the rest', () => {
    for (const ok of ['backstage.io/techdocs-ref', 'github.com/project-slug', 'simple', 'a/B_c']) {
      expect(isValidLabelOrAnnotationKey(ok), ok).toBe(true);
    }
    for (const bad of ['', 'a/b/c', 'Bad.io/x', 'x/', '/x', `p/${'x'.repeat(64)}`]) {
      expect(isValidLabelOrAnnotationKey(bad), bad).toBe(false);
    }
  });

  it('label values: empty or the name rule', () => {
    expect(isValidLabelValue('')).toBe(true);
    expect(isValidLabelValue('prod-1')).toBe(true);
    expect(isValidLabelValue('has space')).toBe(false);
    expect(isValidLabelValue(true)).toBe(false);
  });

  it('tags: lowercase sequences of [a-z0-9:+#] separated by hyphens, 1-63 chars', () => {
    for (const ok of ['java', 'c++', 'c#', 'lang:go', 'front-end', 'x'.repeat(63)])
      expect(isValidTag(ok), ok).toBe(true);
    for (const bad of ['', 'Java', 'a b', 'a_b', '-a', 'a--b', 'x'.repeat(64)])
      expect(isValidTag(bad), bad).toBe(false);
  });
});

describe('validateEntity envelope', () => {
  it('accepts a valid component', () => {
    expect(validateEntity(base())).toEqual([]);
  });

  it('rejects non-objects', () => {
    expect(validateEntity('x')[0]?.message).toMatch(/must be an object/);
    expect(validateEntity([])[0]?.message).toMatch(/found a list/);
    expect(validateEntity(null)).toHaveLength(1);
  });

  it('requires apiVersion, kind and metadata', () => {
    expect(fields({})).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it('rejects unknown root keys and allows relations and status on served entities', () => {
    const e = { ...base(), owner: 'x', relations: [], status: {} };
    expect(fields(e)).toEqual(['owner']);
    expect(validateEntity(e)[0]?.message).toMatch(/Unknown root field "owner"/);
  });

  it('rejects relations and status in descriptor input', () => {
    const e = { ...base(), relations: [], status: {} };
    expect(validateEntity(e, { descriptor: true }).map((p) => p.field)).toEqual(['relations', 'status']);
  });

  it('reports a bad apiVersion and a core kind with a foreign apiVersion', () => {
    expect(fields({ ...base(), apiVersion: 'backstage.io/v1 alpha' })).toContain('apiVersion');
    const foreign = validateEntity({ ...base(), apiVersion: 'example.com/v1' });
    expect(foreign).toHaveLength(1);
    expect(foreign[0]?.message).toMatch(/not supported for kind Component/);
    expect(validateEntity({ ...base(), apiVersion: 'backstage.io/v1beta1' })).toEqual([]);
  });

  it('rejects a bad kind and a wrongly cased built-in kind', () => {
    expect(fields({ ...base(), kind: 'my-kind' })).toEqual(['kind']);
    const lower = validateEntity({ ...base(), kind: 'component' });
    expect(lower.map((p) => p.field)).toEqual(['kind']);
    expect(lower[0]?.message).toMatch(/must be written "Component"/);
  });

  it('accepts custom kinds with envelope checks only', () => {
    expect(validateEntity({ apiVersion: 'example.com/v1', kind: 'Pipeline', metadata: { name: 'build' } })).toEqual([]);
    expect(validateEntity({ apiVersion: 'example.com/v1', kind: 'Constructor', metadata: { name: 'x' } })).toEqual([]);
    expect(fields({ apiVersion: 'example.com/v1', kind: 'Pipeline', metadata: {} })).toEqual(['metadata.name']);
  });

  it('checks spec is an object when present', () => {
    expect(fields({ apiVersion: 'a/v1', kind: 'Thing', metadata: { name: 'x' }, spec: [] })).toEqual(['spec']);
    expect(fields({ ...base(), spec: null })).toEqual(['spec']);
  });
});

describe('validateEntity metadata', () => {
  const withMeta = (meta: Record<string, unknown>) => {
    const e = base();
    e.metadata = { name: 'artist-web', ...meta };
    return e;
  };

  it('checks name and namespace with boundary lengths 63/64', () => {
    expect(validateEntity(withMeta({ name: 'n'.repeat(63), namespace: 's'.repeat(63) }))).toEqual([]);
    expect(fields(withMeta({ name: 'n'.repeat(64) }))).toEqual(['metadata.name']);
    expect(fields(withMeta({ namespace: 's'.repeat(64) }))).toEqual(['metadata.namespace']);
    expect(fields(withMeta({ namespace: 'Default' }))).toEqual(['metadata.namespace']);
    expect(validateEntity(withMeta({ name: 'n'.repeat(64) }))[0]?.message).toMatch(/64 characters/);
  });

  it('requires a name', () => {
    const e = base();
    e.metadata = {};
    expect(validateEntity(e)).toEqual([{ field: 'metadata.name', message: 'metadata.name is required' }]);
  });

  it('checks title and description types', () => {
    expect(validateEntity(withMeta({ title: 'Artist Web', description: '' }))).toEqual([]);
    expect(fields(withMeta({ title: '', description: 3 }))).toEqual(['metadata.title', 'metadata.description']);
  });

  it('checks label keys and values', () => {
    expect(validateEntity(withMeta({ labels: { 'acme.com/tier': 'gold', env: '' } }))).toEqual([]);
    expect(fields(withMeta({ labels: { 'bad key': 'x' } }))).toEqual(['metadata.labels.bad key']);
    expect(fields(withMeta({ labels: { tier: 'not valid' } }))).toEqual(['metadata.labels.tier']);
    expect(fields(withMeta({ labels: { tier: 1 } }))).toEqual(['metadata.labels.tier']);
    expect(fields(withMeta({ labels: ['x'] }))).toEqual(['metadata.labels']);
  });

  it('requires annotation values to be strings', () => {
    expect(validateEntity(withMeta({ annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }))).toEqual([]);
    const problems = validateEntity(withMeta({ annotations: { 'backstage.io/orphan': true, 'acme.com/x': 3 } }));
    expect(problems.map((p) => p.field)).toEqual([
      'metadata.annotations.backstage.io/orphan',
      'metadata.annotations.acme.com/x',
    ]);
    expect(problems[0]?.message).toMatch(/quote values/);
    expect(fields(withMeta({ annotations: { 'a/b/c': 'x' } }))).toEqual(['metadata.annotations.a/b/c']);
  });

  it('checks tags by index', () => {
    expect(validateEntity(withMeta({ tags: ['java', 'c++'] }))).toEqual([]);
    expect(fields(withMeta({ tags: ['java', 'Java', 't'.repeat(64)] }))).toEqual([
      'metadata.tags.1',
      'metadata.tags.2',
    ]);
    expect(fields(withMeta({ tags: 'java' }))).toEqual(['metadata.tags']);
  });

  it('requires links to have a valid url, and checks title and icon', () => {
    expect(validateEntity(withMeta({ links: [{ url: 'https://a.example', title: 'A', icon: 'dashboard' }] }))).toEqual(
      [],
    );
    expect(fields(withMeta({ links: [{ title: 'no url' }] }))).toEqual(['metadata.links.0.url']);
    expect(fields(withMeta({ links: [{ url: 'not a url' }] }))).toEqual(['metadata.links.0.url']);
    expect(fields(withMeta({ links: [{ url: 'https://a.example', title: ' ', icon: '' }] }))).toEqual([
      'metadata.links.0.title',
      'metadata.links.0.icon',
    ]);
    expect(fields(withMeta({ links: ['https://a.example'] }))).toEqual(['metadata.links.0']);
  });

  it('allows extra metadata keys but checks server-populated ones', () => {
    expect(validateEntity(withMeta({ custom: { any: 'thing' }, uid: 'u', etag: 'e', generation: 1 }))).toEqual([]);
    expect(fields(withMeta({ uid: 1, generation: 1.5 }))).toEqual(['metadata.uid', 'metadata.generation']);
  });
});

describe('validateEntity per-kind spec', () => {
  const v1 = 'backstage.io/v1alpha1';
  const entity = (kind: string, spec: unknown, apiVersion = v1) => ({
    apiVersion,
    kind,
    metadata: { name: 'x' },
    spec,
  });

  it.each([
    ['Component', { type: 'service', lifecycle: 'production', owner: 'team-a' }],
    ['API', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: 'openapi: 3.0.0' }],
    ['Resource', { type: 'database', owner: 'team-a' }],
    ['System', { owner: 'team-a' }],
    ['Domain', { owner: 'team-a' }],
    ['Group', { type: 'squad', children: [] }],
    ['User', { memberOf: [] }],
    ['Location', {}],
  ])('%s accepts its minimal spec', (kind, spec) => {
    expect(validateEntity(entity(kind, spec))).toEqual([]);
  });

  it.each([
    ['Component', ['spec.type', 'spec.lifecycle', 'spec.owner']],
    ['API', ['spec.type', 'spec.lifecycle', 'spec.owner', 'spec.definition']],
    ['Resource', ['spec.type', 'spec.owner']],
    ['System', ['spec.owner']],
    ['Domain', ['spec.owner']],
    ['Group', ['spec.type', 'spec.children']],
    ['User', ['spec.memberOf']],
    ['Template', ['spec.type', 'spec.steps']],
  ])('%s reports its missing required fields', (kind, missing) => {
    const apiVersion = kind === 'Template' ? 'scaffolder.backstage.io/v1beta3' : v1;
    expect(fields(entity(kind, {}, apiVersion))).toEqual(missing);
  });

  it('requires spec for built-in kinds', () => {
    expect(validateEntity({ apiVersion: v1, kind: 'Location', metadata: { name: 'x' } })).toEqual([
      { field: 'spec', message: 'spec is required for kind Location' },
    ]);
  });

  it('checks field shapes', () => {
    expect(fields(entity('Component', { type: '', lifecycle: 3, owner: 'a', providesApis: 'api-a' }))).toEqual([
      'spec.type',
      'spec.lifecycle',
      'spec.providesApis',
    ]);
    expect(fields(entity('Group', { type: 'squad', children: [''], profile: 'x' })).sort()).toEqual([
      'spec.children.0',
      'spec.profile',
    ]);
    expect(fields(entity('User', { memberOf: [], profile: { email: '' } }))).toEqual(['spec.profile.email']);
    expect(fields(entity('Location', { presence: 'maybe', targets: ['./a.yaml', 5] }))).toEqual([
      'spec.targets.1',
      'spec.presence',
    ]);
  });

  it('accepts any group type and a full template', () => {
    expect(validateEntity(entity('Group', { type: 'guild', children: [], parent: 'ops', members: ['jane'] }))).toEqual(
      [],
    );
    expect(validateEntity(entity('Group', { type: 'anything-goes', children: [] }))).toEqual([]);
    const template = entity('Template', {
      type: 'service',
      owner: 'team-a',
      steps: [{ id: 'a', action: 'debug:log' }],
    });
    template.apiVersion = 'scaffolder.backstage.io/v1beta3';
    expect(validateEntity(template)).toEqual([]);
    expect(fields({ ...template, apiVersion: v1 })).toEqual(['apiVersion']);
  });

  it('requires dependsOn and dependencyOf references to name their kind', () => {
    const spec = { type: 'service', lifecycle: 'production', owner: 'team-a', dependsOn: ['resource:db', 'db'] };
    const problems = validateEntity(entity('Component', spec));
    expect(problems.map((p) => p.field)).toEqual(['spec.dependsOn.1']);
    expect(problems[0]?.message).toMatch(/names no kind/);
    expect(fields(entity('Resource', { type: 'db', owner: 'a', dependencyOf: ['svc'] }))).toEqual([
      'spec.dependencyOf.0',
    ]);
  });

  it('rejects malformed references in every ref-valued field', () => {
    const bad = 'group:';
    expect(
      fields(
        entity('Component', {
          type: 's',
          lifecycle: 'l',
          owner: bad,
          system: bad,
          subcomponentOf: bad,
          providesApis: [bad],
          consumesApis: [bad],
        }),
      ),
    ).toEqual(['spec.owner', 'spec.system', 'spec.subcomponentOf', 'spec.providesApis.0', 'spec.consumesApis.0']);
    expect(fields(entity('System', { owner: 'a', domain: bad }))).toEqual(['spec.domain']);
    expect(fields(entity('Domain', { owner: 'a', subdomainOf: bad }))).toEqual(['spec.subdomainOf']);
    expect(fields(entity('Group', { type: 't', children: [bad], parent: bad, members: [bad] }))).toEqual([
      'spec.parent',
      'spec.children.0',
      'spec.members.0',
    ]);
    expect(fields(entity('User', { memberOf: [bad] }))).toEqual(['spec.memberOf.0']);
  });

  it('API of type mcp-server needs remotes instead of a definition', () => {
    const spec = { type: 'mcp-server', lifecycle: 'experimental', owner: 'team-a' };
    expect(
      validateEntity(entity('API', { ...spec, remotes: [{ type: 'streamable-http', url: 'https://mcp.example' }] })),
    ).toEqual([]);
    expect(fields(entity('API', spec))).toEqual(['spec.remotes']);
    expect(validateEntity(entity('API', { ...spec, remotes: [] }))[0]?.message).toMatch(/at least 1/);
    expect(fields(entity('API', { ...spec, remotes: [{ type: 'sse' }, 'x'] }))).toEqual([
      'spec.remotes.0.url',
      'spec.remotes.1',
    ]);
    expect(fields(entity('API', { type: 'openapi', lifecycle: 'x', owner: 'a' }))).toEqual(['spec.definition']);
  });

  it('allows extra spec fields, as Backstage schemas do', () => {
    expect(validateEntity(entity('System', { owner: 'a', type: 'product', tier: 1 }))).toEqual([]);
  });
});
