import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthenticatedError } from '../http/problem.js';
import type { Actor, MembershipResolver } from './actor.js';
import { SYSTEM_ACTOR } from './actor.js';
import { assertAdmin, assertCanWrite, hasScope, requireActor } from './authorize.js';

/** Jane is in team-a (and, through it, tribe-x); Bob is in no group. */
const membership: MembershipResolver = {
  async groupsOf(userRef) {
    return userRef === 'user:default/jane' ? ['Group:Default/Team-A', 'group:default/tribe-x'] : [];
  },
};

function user(overrides: Partial<Actor> = {}): Actor {
  return {
    kind: 'user',
    id: 'acc-1',
    accountId: 'acc-1',
    userRef: 'user:default/jane',
    displayName: 'Jane',
    isAdmin: false,
    scopes: ['read', 'write'],
    ...overrides,
  };
}

function token(scopes: string[], overrides: Partial<Actor> = {}): Actor {
  return user({ kind: 'token', id: 'tok-1', displayName: 'Jane (token ci)', scopes, ...overrides });
}

describe('assertCanWrite', () => {
  const cases: Array<{ name: string; actor: Actor; owners: string[]; allowed: boolean }> = [
    {
      name: 'admin user, foreign owner',
      actor: user({ isAdmin: true, userRef: undefined }),
      owners: ['group:default/other'],
      allowed: true,
    },
    { name: 'system actor', actor: SYSTEM_ACTOR, owners: ['group:default/other'], allowed: true },
    {
      name: 'member of the owning group (case-insensitive)',
      actor: user(),
      owners: ['group:default/team-a'],
      allowed: true,
    },
    { name: 'member through a parent group', actor: user(), owners: ['GROUP:default/Tribe-X'], allowed: true },
    {
      name: 'the owner itself',
      actor: user({ userRef: 'User:Default/Jane' }),
      owners: ['user:default/jane'],
      allowed: true,
    },
    {
      name: 'one of several owners',
      actor: user(),
      owners: ['group:default/zzz', 'group:default/team-a'],
      allowed: true,
    },
    {
      name: 'non-member',
      actor: user({ userRef: 'user:default/bob' }),
      owners: ['group:default/team-a'],
      allowed: false,
    },
    {
      name: 'user not linked to the catalog',
      actor: user({ userRef: undefined }),
      owners: ['group:default/team-a'],
      allowed: false,
    },
    { name: 'no owners at all', actor: user(), owners: [], allowed: false },
    { name: 'write token of a member', actor: token(['write']), owners: ['group:default/team-a'], allowed: true },
    { name: 'read-only token of a member', actor: token(['read']), owners: ['group:default/team-a'], allowed: false },
    {
      name: 'write token of a non-member',
      actor: token(['read', 'write'], { userRef: 'user:default/bob' }),
      owners: ['group:default/team-a'],
      allowed: false,
    },
    {
      name: 'admin token',
      actor: token(['read', 'write', 'admin'], { isAdmin: true }),
      owners: ['group:default/other'],
      allowed: true,
    },
    {
      name: 'read token of an admin account',
      actor: token(['read'], { isAdmin: false }),
      owners: ['group:default/other'],
      allowed: false,
    },
  ];

  for (const c of cases) {
    it(`${c.allowed ? 'allows' : 'forbids'}: ${c.name}`, async () => {
      const result = assertCanWrite(c.actor, { ownerRefs: c.owners, membership });
      if (c.allowed) await expect(result).resolves.toBeUndefined();
      else await expect(result).rejects.toBeInstanceOf(ForbiddenError);
    });
  }

  it('names the owners in the refusal', async () => {
    await expect(
      assertCanWrite(user({ userRef: 'user:default/bob' }), {
        ownerRefs: ['group:default/team-a', 'group:default/team-b'],
        membership,
      }),
    ).rejects.toThrow(/group:default\/team-a, group:default\/team-b/);
  });

  it('asks the membership resolver with the canonical user ref', async () => {
    const asked: string[] = [];
    await assertCanWrite(user({ userRef: 'User:Default/Jane' }), {
      ownerRefs: ['group:default/team-a'],
      membership: {
        async groupsOf(ref) {
          asked.push(ref);
          return ['group:default/team-a'];
        },
      },
    });
    expect(asked).toEqual(['user:default/jane']);
  });
});

describe('assertAdmin', () => {
  it('passes admins and admin-scoped admin tokens only', () => {
    expect(() => assertAdmin(user({ isAdmin: true }))).not.toThrow();
    expect(() => assertAdmin(token(['admin'], { isAdmin: true }))).not.toThrow();
    expect(() => assertAdmin(user())).toThrow(ForbiddenError);
    expect(() => assertAdmin(token(['read', 'write'], { isAdmin: true }))).toThrow(/admin scope/);
  });
});

describe('hasScope', () => {
  it('treats admin as implying write, and any scope as implying read', () => {
    expect(hasScope(token(['admin']), 'write')).toBe(true);
    expect(hasScope(token(['write']), 'read')).toBe(true);
    expect(hasScope(token(['read']), 'write')).toBe(false);
    expect(hasScope(token([]), 'read')).toBe(false);
  });
});

describe('requireActor', () => {
  it('returns the actor or throws UnauthenticatedError', () => {
    const actor = user();
    const withActor = { get: (key: string) => (key === 'actor' ? actor : undefined) };
    const anonymous = { get: () => undefined };
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for Hono's context
    expect(requireActor(withActor as any)).toBe(actor);
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for Hono's context
    expect(() => requireActor(anonymous as any)).toThrow(UnauthenticatedError);
  });
});
