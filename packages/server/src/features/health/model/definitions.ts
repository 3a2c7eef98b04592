/** Tech-health definitions as applied: checks, tracks and campaigns (YAML kinds `Check`, `Track`, `Campaign`). */
export const HEALTH_API_VERSION = 'backbeat.dev/v1';
export const HEALTH_KINDS = ['Check', 'Track', 'Campaign'] as const;
export type HealthKind = (typeof HEALTH_KINDS)[number];

/** Which entities a check or track is about; every listed filter must match, an empty filter matches all. */
export interface Applicability {
  kind?: string[];
  type?: string[];
  lifecycle?: string[];
  /** The entity carries at least one of these tags. */
  tag?: string[];
}

/** A numeric comparison, used by `count` and on its own. */
export interface NumberComparison {
  equals?: number;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/**
 * A rule over facts. A condition names a fact path and exactly one operator;
 * `all`, `any` and `not` combine rules.
 */
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | ({ fact: string } & Operator);

export type Operator =
  | { exists: boolean }
  | { equals: unknown }
  | { in: unknown[] }
  | { matches: string }
  | { gt: number }
  | { gte: number }
  | { lt: number }
  | { lte: number }
  | { semver: string }
  | { count: { where?: Rule } & NumberComparison };

export interface CheckSpec {
  name: string;
  title: string;
  description?: string;
  applies: Applicability;
  /** Absent for a manual check. */
  rule?: Rule;
  /** Set for a check the owner attests by hand; the attestation lapses after this many days. */
  manual?: { expiresAfterDays: number };
  message: { passed?: string; failed?: string };
  fix?: string;
}

export interface TrackLevel {
  name: string;
  title: string;
  checks: string[];
}

export interface TrackSpec {
  name: string;
  title: string;
  description?: string;
  applies: Applicability;
  /** Lowest first: a level counts only when every level below it passes too. */
  levels: TrackLevel[];
}

export interface CampaignSpec {
  name: string;
  title: string;
  description?: string;
  checks: string[];
  /** ISO date (YYYY-MM-DD) by which every component should pass. */
  deadline: string;
  /** ISO date the burndown starts from; default: the day the campaign was first applied. */
  start?: string;
}

export type HealthDefinition =
  | { kind: 'Check'; spec: CheckSpec }
  | { kind: 'Track'; spec: TrackSpec }
  | { kind: 'Campaign'; spec: CampaignSpec };

export type CheckStatus = 'passed' | 'failed' | 'not-applicable';

/** One check's outcome for one entity. */
export interface CheckResult {
  check: string;
  status: CheckStatus;
  message: string;
  fix?: string;
  /** Manual checks: who attested and until when. */
  attestation?: { by: string; at: string; expiresAt: string; status: 'passed' | 'failed'; note?: string };
}

/** An entity's standing on one track: the highest level it and every lower level pass (null: none yet). */
export interface TrackCertification {
  track: string;
  level: string | null;
  /** 0 for none, 1 for the first level, and so on. */
  rank: number;
  /** Per level: whether all its checks pass, and the ones that do not. */
  levels: { name: string; title: string; passed: boolean; failing: string[] }[];
}
