/**
 * Whether an event type matches a subscription pattern: either the exact type, a
 * prefix ending in `*` (`catalog.*` matches `catalog.entity.changed`), or `*` alone.
 *
 * @example
 * matchesEventPattern('catalog.*', 'catalog.entity.changed'); // true
 */
export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern.endsWith('*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
