import type { Actor } from '../auth/actor.js';

/** Hono environment shared by every route: the auth middleware sets `actor`. */
export interface AppEnv {
  Variables: {
    actor: Actor | undefined;
    requestId: string;
  };
}
