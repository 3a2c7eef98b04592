import type { Entity } from '../../catalog/index.js';

/** `component:default/web` for an entity: the canonical (lowercase) ref. */
export function entityRefOf(entity: Entity): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}

/**
 * The canonical ref of a reference as people write it, or undefined when malformed.
 * A bare name takes `defaultKind`.
 *
 * @example
 * normaliseRef('web', 'component') // 'component:default/web'
 */
export function normaliseRef(ref: string, defaultKind: string): string | undefined {
  let rest = ref.trim().toLowerCase();
  let kind = defaultKind;
  const colon = rest.indexOf(':');
  const slash = rest.indexOf('/');
  if (colon !== -1 && (slash === -1 || colon < slash)) {
    kind = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  let namespace = 'default';
  const nsSlash = rest.indexOf('/');
  if (nsSlash !== -1) {
    namespace = rest.slice(0, nsSlash);
    rest = rest.slice(nsSlash + 1);
  }
  const part = /^[a-z0-9][a-z0-9._-]*$/;
  if (!/^[a-z][a-z0-9-]*$/.test(kind) || !part.test(namespace) || !part.test(rest)) return undefined;
  return `${kind}:${namespace}/${rest}`;
}
