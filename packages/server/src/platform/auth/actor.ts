/**
 * Who is making a request. Set by the auth middleware on every request that
 * carries a session cookie or an API token; absent for anonymous requests.
 */
export interface Actor {
  kind: 'user' | 'token' | 'system';
  /** Account id (users) or token id (tokens); `system` for background jobs. */
  id: string;
  /** The local account behind a user or token actor (equals `id` for users). */
  accountId?: string;
  /** Catalog ref of the signed-in person, e.g. `user:default/jane.doe`; tokens act as their creator. */
  userRef?: string;
  displayName: string;
  isAdmin: boolean;
  /** Token scopes (`read`, `write`, `admin`); users have every scope their role allows. */
  scopes: string[];
}

/** The actor background jobs and start-up seeding act as. */
export const SYSTEM_ACTOR: Actor = {
  kind: 'system',
  id: 'system',
  displayName: 'Backbeat',
  isAdmin: true,
  scopes: ['read', 'write', 'admin'],
};

/**
 * Answers "which groups is this person a member of", directly or through parent
 * groups. The catalog provides it; auth uses it to decide write access.
 */
export interface MembershipResolver {
  groupsOf(userRef: string): Promise<string[]>;
}
