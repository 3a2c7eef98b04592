import type { Context } from 'hono';
import { ForbiddenError, UnauthenticatedError } from '../http/problem.js';
import type { Actor, MembershipResolver } from './actor.js';

/** The scopes a token may carry. Users hold every scope their role allows. */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * The signed-in actor of a request, or a 401 problem. Any signed-in actor may read:
 * a token with any scope includes `read`.
 *
 * @example
 * app.openapi(listRoute, async (c) => {
 *   const actor = requireActor(c);
 *   return c.json(await service.list(actor), 200);
 * });
 */
// biome-ignore lint/suspicious/noExplicitAny: works with any route's typed context
export function requireActor(c: Context<any>): Actor {
  const actor = c.get('actor') as Actor | undefined;
  if (!actor) throw new UnauthenticatedError();
  return actor;
}

export interface WriteTarget {
  /** Catalog refs of the owners of what is being changed (`group:default/payments`, `user:default/jane`). */
  ownerRefs: string[];
  membership: MembershipResolver;
}

/**
 * Throws unless the actor may change something owned by `ownerRefs`: admins always
 * may; tokens need the `write` (or `admin`) scope; people must be one of the owners
 * or a member of an owning group. Refs are compared in canonical lowercase form.
 *
 * @example
 * await assertCanWrite(actor, { ownerRefs: [entity.spec.owner], membership });
 */
export async function assertCanWrite(actor: Actor, target: WriteTarget): Promise<void> {
  if (actor.kind === 'token' && !hasScope(actor, 'write')) {
    throw new ForbiddenError(`Token "${actor.displayName}" lacks the write scope`);
  }
  if (actor.isAdmin) return;
  const owners = new Set(target.ownerRefs.map(canonicalRef));
  const ownerList = [...owners].sort().join(', ') || '(no owner)';
  if (!actor.userRef) {
    throw new ForbiddenError(
      `${actor.displayName} is not linked to a catalog user; only admins or members of ${ownerList} may change this`,
    );
  }
  const userRef = canonicalRef(actor.userRef);
  if (owners.has(userRef)) return;
  const groups = await target.membership.groupsOf(userRef);
  if (groups.some((group) => owners.has(canonicalRef(group)))) return;
  throw new ForbiddenError(`Only admins or members of ${ownerList} may change this; ${userRef} is not one`);
}

/**
 * Throws unless the actor is an admin (a token additionally needs the `admin` scope).
 *
 * @example
 * assertAdmin(requireActor(c));
 */
export function assertAdmin(actor: Actor): void {
  if (actor.kind === 'token' && !actor.scopes.includes('admin')) {
    throw new ForbiddenError(`Token "${actor.displayName}" lacks the admin scope`);
  }
  if (!actor.isAdmin) throw new ForbiddenError('Only admins may do this');
}

/**
 * Whether the actor holds a scope; `admin` implies `write`, and any scope implies `read`.
 *
 * @example
 * if (!hasScope(actor, 'write')) throw new ForbiddenError('read-only token');
 */
export function hasScope(actor: Actor, scope: Scope): boolean {
  if (actor.scopes.includes(scope)) return true;
  if (scope === 'write') return actor.scopes.includes('admin');
  if (scope === 'read') return actor.scopes.length > 0;
  return false;
}

/** `User:Default/Jane` and `user:default/jane` name the same entity; compare in lowercase. */
export function canonicalRef(ref: string): string {
  return ref.trim().toLowerCase();
}
