/** `kind:namespace/name`, split. */
export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Parses a full or short entity ref (`squad-a`, `group:squad-a`, `group:default/squad-a`),
 * filling kind and namespace from defaults as Backstage does.
 *
 * @example
 * parseRef('team-a', { kind: 'group' }); // { kind: 'group', namespace: 'default', name: 'team-a' }
 */
export function parseRef(ref: string, defaults: { kind?: string; namespace?: string } = {}): EntityName {
  const colon = ref.indexOf(':');
  const kind = colon > 0 ? ref.slice(0, colon) : (defaults.kind ?? 'component');
  const rest = colon > 0 ? ref.slice(colon + 1) : ref;
  const slash = rest.indexOf('/');
  const namespace = slash > 0 ? rest.slice(0, slash) : (defaults.namespace ?? 'default');
  const name = slash > 0 ? rest.slice(slash + 1) : rest;
  return { kind: kind.toLowerCase(), namespace: namespace.toLowerCase(), name: name.toLowerCase() };
}

export function stringifyRef(ref: EntityName): string {
  return `${ref.kind}:${ref.namespace}/${ref.name}`;
}

/** The page that shows an entity: groups get their org page, everything else the entity page. */
export function entityPath(ref: string | EntityName): string {
  const { kind, namespace, name } = typeof ref === 'string' ? parseRef(ref) : ref;
  if (kind === 'group') return `/org/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  return catalogEntityPath({ kind, namespace, name });
}

/** Always the catalog's entity page, also for groups. */
export function catalogEntityPath(ref: string | EntityName): string {
  const { kind, namespace, name } = typeof ref === 'string' ? parseRef(ref) : ref;
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`;
}

/** `name` in the default namespace, `namespace/name` elsewhere: how refs read in tables. */
export function shortRef(ref: string, defaultKind?: string): string {
  const { kind, namespace, name } = parseRef(ref, { kind: defaultKind });
  const base = namespace === 'default' ? name : `${namespace}/${name}`;
  return defaultKind && kind === defaultKind ? base : `${kind}:${base}`;
}

/**
 * A full lowercase ref from a possibly short one, with the defaults Backstage
 * applies (a bare owner is a group in the entity's own namespace).
 *
 * @example
 * qualifyRef('squad-a', { kind: 'group', namespace: 'default' }); // 'group:default/squad-a'
 */
export function qualifyRef(ref: string, defaults: { kind?: string; namespace?: string }): string {
  return stringifyRef(parseRef(ref, defaults));
}
