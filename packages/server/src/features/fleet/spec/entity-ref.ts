const PART = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The canonical `kind:namespace/name` form (lowercased, namespace `default`) of a
 * reference written in a spec, or undefined when it is malformed. A bare name takes
 * `defaultKind`. Kept local rather than imported from the catalog so that parsing a
 * spec pulls in nothing but this folder.
 *
 * @example
 * normaliseEntityRef('platform-squad', 'group') // 'group:default/platform-squad'
 * normaliseEntityRef('Component:ops/Billing', 'component') // 'component:ops/billing'
 */
export function normaliseEntityRef(ref: string, defaultKind: string): string | undefined {
  const lower = ref.trim().toLowerCase();
  let rest = lower;
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
  if (!/^[a-z][a-z0-9-]*$/.test(kind) || !PART.test(namespace) || !PART.test(rest)) return undefined;
  return `${kind}:${namespace}/${rest}`;
}
