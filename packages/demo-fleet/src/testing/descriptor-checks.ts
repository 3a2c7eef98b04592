import yaml from 'js-yaml';

/** A parsed descriptor, loosely typed: tests check the shape themselves. */
export interface LooseEntity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; tags?: string[]; [key: string]: unknown };
  spec: Record<string, unknown>;
}

/** Parses every document of a YAML text; throws with the file name on a syntax error. */
export function parseDescriptors(text: string, file = 'descriptor'): LooseEntity[] {
  try {
    return (yaml.loadAll(text) as LooseEntity[]).filter((d) => d !== null && d !== undefined);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

/** Backstage's default validators for names and tags. */
export const NAME_PATTERN = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
export const TAG_PATTERN = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

export function refOf(entity: LooseEntity): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}

/** Canonical form of a reference as written in a spec field, Backstage-style. */
export function canonical(ref: string, defaultKind?: string): string {
  const colon = ref.indexOf(':');
  const kind = colon === -1 ? defaultKind : ref.slice(0, colon);
  if (!kind) throw new Error(`reference "${ref}" names no kind`);
  const rest = ref.slice(colon + 1);
  const full = rest.includes('/') ? rest : `default/${rest}`;
  return `${kind}:${full}`.toLowerCase();
}

const REF_FIELDS: Record<string, [field: string, defaultKind: string | undefined][]> = {
  Component: [
    ['owner', 'group'],
    ['system', 'system'],
    ['providesApis', 'api'],
    ['consumesApis', 'api'],
    ['dependsOn', undefined],
  ],
  API: [
    ['owner', 'group'],
    ['system', 'system'],
  ],
  Resource: [
    ['owner', 'group'],
    ['system', 'system'],
    ['dependsOn', undefined],
  ],
  System: [
    ['owner', 'group'],
    ['domain', 'domain'],
  ],
  Domain: [['owner', 'group']],
  Group: [
    ['parent', 'group'],
    ['children', 'group'],
    ['members', 'user'],
  ],
  User: [['memberOf', 'group']],
};

/** Every outgoing reference of an entity, canonical, with the field it came from. */
export function referencesOf(entity: LooseEntity): { field: string; ref: string }[] {
  const out: { field: string; ref: string }[] = [];
  for (const [field, defaultKind] of REF_FIELDS[entity.kind] ?? []) {
    const value = entity.spec[field];
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    for (const v of values) out.push({ field, ref: canonical(String(v), defaultKind) });
  }
  return out;
}

/** References that point at no entity of the set, as `from -> field -> ref` strings. */
export function danglingRefs(entities: LooseEntity[]): string[] {
  const known = new Set(entities.map(refOf));
  const dangling: string[] = [];
  for (const entity of entities) {
    for (const { field, ref } of referencesOf(entity)) {
      if (!known.has(ref)) dangling.push(`${refOf(entity)} -> ${field} -> ${ref}`);
    }
  }
  return dangling;
}

/** Groups whose parent does not list them as a child, or whose children do not name them as parent. */
export function inconsistentGroupTree(entities: LooseEntity[]): string[] {
  const groups = new Map(entities.filter((e) => e.kind === 'Group').map((g) => [refOf(g), g]));
  const problems: string[] = [];
  for (const [ref, group] of groups) {
    const parent = group.spec.parent as string | undefined;
    if (parent) {
      const p = groups.get(canonical(parent, 'group'));
      const children = ((p?.spec.children as string[]) ?? []).map((c) => canonical(c, 'group'));
      if (!children.includes(ref)) problems.push(`${ref} names parent ${parent}, which does not list it`);
    }
    for (const child of (group.spec.children as string[]) ?? []) {
      const c = groups.get(canonical(child, 'group'));
      if (!c || canonical(String(c.spec.parent ?? ''), 'group') !== ref)
        problems.push(`${ref} lists child ${child}, whose parent differs`);
    }
  }
  return problems;
}
