import type { FlagType } from '../model/flag-config.js';
import type { Environment, Flag, Project } from '../model/records.js';
import type { TogglesService } from '../service/toggles-service.js';
import type { GovernanceStore } from '../store/governance-store.js';

/** Expected lifetime in days per flag type, as Unleash sets them; null: never stale by age. */
export const EXPECTED_LIFETIME_DAYS: Record<FlagType, number | null> = {
  release: 40,
  experiment: 40,
  operational: 7,
  'kill-switch': null,
  permission: null,
};

export type StaleReason =
  | { reason: 'marked'; detail: string }
  | { reason: 'lifetime'; detail: string; days: number }
  | { reason: 'fully-on'; detail: string; environment: string; days: number }
  | { reason: 'no-evaluations'; detail: string; days: number | null };

export interface StaleFlag {
  project: string;
  flag: string;
  type: FlagType;
  ownerRef: string | null;
  entityRef: string | null;
  createdAt: string;
  lastEvaluatedAt: string | null;
  reasons: StaleReason[];
}

export interface StaleReport {
  generatedAt: string;
  /** One entry per owning group (null: projects without an owner), with its stale flags. */
  squads: { ownerRef: string | null; flags: number; stale: StaleFlag[] }[];
  totals: { flags: number; stale: number };
}

export interface StaleFlagFacts {
  entityRef: string;
  /** Live (not archived) flags of the projects linked to the entity. */
  flags: number;
  stale: number;
  staleFlags: { project: string; flag: string; reasons: string[] }[];
  /** The oldest stale flag's age in days, 0 without stale flags. */
  oldestStaleDays: number;
}

export interface StaleSettings {
  /** A flag fully on (100 %, no constraints) in a production environment this long is stale. */
  fullyOnDays: number;
  /** A flag older than this without a single evaluation in this long is stale. */
  unusedDays: number;
}

export const DEFAULT_STALE_SETTINGS: StaleSettings = { fullyOnDays: 30, unusedDays: 30 };

const DAY_MS = 86_400_000;

function daysBetween(from: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(from)) / DAY_MS);
}

/** Whether an environment serves the flag to everyone: on, with a strategy matching all. */
function fullyOn(flag: Flag, env: string): boolean {
  const state = flag.environments[env];
  if (!state?.enabled) return false;
  return state.strategies.some((s) => {
    if (s.disabled || s.constraints.length > 0 || s.segments.length > 0) return false;
    if (s.name === 'default') return true;
    return s.name === 'flexibleRollout' && Number(s.parameters.rollout) === 100;
  });
}

/**
 * Why a flag is stale (empty when it is not): marked stale, past its type's expected
 * lifetime, fully on in a production environment for `fullyOnDays`, or no evaluation
 * for `unusedDays`.
 */
export function staleReasons(
  flag: Flag,
  context: { now: Date; environments: Environment[]; lastEvaluatedAt: string | null; settings: StaleSettings },
): StaleReason[] {
  const { now, settings } = context;
  const reasons: StaleReason[] = [];
  if (flag.stale) reasons.push({ reason: 'marked', detail: 'marked stale by a person' });
  const age = daysBetween(flag.createdAt, now);
  const lifetime = EXPECTED_LIFETIME_DAYS[flag.type];
  if (lifetime !== null && lifetime !== undefined && age > lifetime) {
    reasons.push({
      reason: 'lifetime',
      days: age,
      detail: `${age} days old; ${flag.type} flags are expected to live ${lifetime}`,
    });
  }
  const production = context.environments.filter((e) => e.production);
  for (const env of production) {
    const updatedAt = flag.environments[env.key]?.updatedAt;
    if (!updatedAt || !fullyOn(flag, env.key)) continue;
    const days = daysBetween(updatedAt, now);
    if (days >= settings.fullyOnDays) {
      reasons.push({
        reason: 'fully-on',
        environment: env.key,
        days,
        detail: `fully on in ${env.key} for ${days} days`,
      });
    }
  }
  if (age >= settings.unusedDays) {
    const last = context.lastEvaluatedAt;
    if (!last) reasons.push({ reason: 'no-evaluations', days: null, detail: 'never evaluated by an SDK' });
    else {
      const days = daysBetween(last, now);
      if (days >= settings.unusedDays) {
        reasons.push({ reason: 'no-evaluations', days, detail: `no evaluations for ${days} days` });
      }
    }
  }
  return reasons;
}

/**
 * The stale-flag report per owning group, and the same findings as facts about one
 * catalog entity (for tech health).
 *
 * @example
 * const report = await stale.report({ owner: 'group:default/team-checkout' });
 * const facts = await stale.factsFor('component:default/checkout');
 */
export function createStaleFlags(options: {
  toggles: TogglesService;
  store: GovernanceStore;
  settings?: Partial<StaleSettings>;
}) {
  const settings: StaleSettings = { ...DEFAULT_STALE_SETTINGS, ...options.settings };

  async function scan(filter: (project: Project) => boolean, now: Date) {
    const projects = (await options.toggles.listProjects()).filter(filter);
    const environments = await options.toggles.listEnvironments();
    const lastEvaluations = await options.store.lastEvaluations();
    const flags: StaleFlag[] = [];
    for (const project of projects) {
      for (const flag of await options.toggles.listFlags({ project: project.key })) {
        const lastEvaluatedAt = lastEvaluations.get(`${project.key}/${flag.name}`) ?? null;
        flags.push({
          project: project.key,
          flag: flag.name,
          type: flag.type,
          ownerRef: project.ownerRef,
          entityRef: project.entityRef,
          createdAt: flag.createdAt,
          lastEvaluatedAt,
          reasons: staleReasons(flag, { now, environments, lastEvaluatedAt, settings }),
        });
      }
    }
    return flags;
  }

  return {
    settings,
    async report(query: { owner?: string; now?: Date } = {}): Promise<StaleReport> {
      const now = query.now ?? new Date();
      const owner = query.owner?.toLowerCase();
      const flags = await scan((p) => !owner || p.ownerRef === owner, now);
      const squads = new Map<string | null, { ownerRef: string | null; flags: number; stale: StaleFlag[] }>();
      for (const flag of flags) {
        const squad = squads.get(flag.ownerRef) ?? { ownerRef: flag.ownerRef, flags: 0, stale: [] };
        squad.flags += 1;
        if (flag.reasons.length > 0) squad.stale.push(flag);
        squads.set(flag.ownerRef, squad);
      }
      const list = [...squads.values()].sort((a, b) => String(a.ownerRef).localeCompare(String(b.ownerRef)));
      return {
        generatedAt: now.toISOString(),
        squads: list,
        totals: { flags: flags.length, stale: flags.filter((f) => f.reasons.length > 0).length },
      };
    },
    async factsFor(entityRef: string, now = new Date()): Promise<StaleFlagFacts> {
      const ref = entityRef.toLowerCase();
      const flags = await scan((p) => p.entityRef === ref, now);
      const stale = flags.filter((f) => f.reasons.length > 0);
      return {
        entityRef: ref,
        flags: flags.length,
        stale: stale.length,
        staleFlags: stale.map((f) => ({ project: f.project, flag: f.flag, reasons: f.reasons.map((r) => r.reason) })),
        oldestStaleDays: Math.max(0, ...stale.map((f) => daysBetween(f.createdAt, now))),
      };
    },
  };
}

export type StaleFlags = ReturnType<typeof createStaleFlags>;
