import type { Constraint, Dependency, EnvironmentConfig, FlagType } from './flag-config.js';

/** A toggle project: flags of one component or system, owned by one group. */
export interface Project {
  key: string;
  name: string;
  description: string | null;
  /** Catalog ref of the component or system the flags belong to. */
  entityRef: string | null;
  /** Catalog ref of the owning group; its members may change the project's flags. */
  ownerRef: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Environment {
  key: string;
  name: string;
  /** Changes here are limited to owners and admins, and need approval in four-eyes projects. */
  production: boolean;
  sortOrder: number;
}

export interface FlagEnvironmentState extends EnvironmentConfig {
  updatedAt: string | null;
}

export interface Flag {
  id: string;
  project: string;
  name: string;
  type: FlagType;
  description: string | null;
  stale: boolean;
  impressionData: boolean;
  dependencies: Dependency[];
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  /** Every environment, including ones never configured (off, no strategies). */
  environments: Record<string, FlagEnvironmentState>;
}

export interface Segment {
  id: number;
  project: string;
  name: string;
  description: string | null;
  constraints: Constraint[];
  createdAt: string;
  updatedAt: string;
}

export const TOKEN_TYPES = ['client', 'frontend'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** A client or frontend token as listed: never the secret. */
export interface ClientToken {
  id: string;
  name: string;
  type: TokenType;
  /** A project key, or `*` for every project (admins only). */
  project: string;
  environment: string;
  /** The start of the token (`checkout:production.ab12`), so people can tell tokens apart. */
  displayPrefix: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
