import type { MembershipResolver } from '../../platform/auth/actor.js';
import { canonicalRef } from './model/index.js';
import type { CatalogWriteStore } from './store/catalog-write-store.js';

/** Group nesting deeper than this is treated as a cycle. */
const MAX_GROUP_DEPTH = 32;

/**
 * Answers "which groups is this person in": the groups the user is `memberOf` (or
 * that list the user in `spec.members`), plus every ancestor group through
 * `childOf` (or the parent's `spec.children`). Canonical refs, sorted.
 *
 * @example
 * const membership = createMembershipResolver(store);
 * await membership.groupsOf('user:default/jane') // ['group:default/payments', 'group:default/tribe-money']
 */
export function createMembershipResolver(store: CatalogWriteStore): MembershipResolver {
  return {
    async groupsOf(userRef: string): Promise<string[]> {
      const user = canonicalRef(userRef, { defaultKind: 'User' });
      if (!user) return [];
      const found = new Set<string>();
      let frontier = [
        ...(await store.outgoingRelations([user], 'memberOf')).map((r) => r.target),
        ...(await store.incomingRelations([user], 'hasMember')).map((r) => r.source),
      ].filter((g) => g.startsWith('group:'));
      for (let depth = 0; frontier.length > 0 && depth < MAX_GROUP_DEPTH; depth++) {
        const fresh = [...new Set(frontier)].filter((g) => !found.has(g));
        for (const group of fresh) found.add(group);
        if (fresh.length === 0) break;
        frontier = [
          ...(await store.outgoingRelations(fresh, 'childOf')).map((r) => r.target),
          ...(await store.incomingRelations(fresh, 'parentOf')).map((r) => r.source),
        ].filter((g) => g.startsWith('group:'));
      }
      return [...found].sort();
    },
  };
}
