import type { CheckResult, CheckSpec, TrackCertification, TrackSpec } from '../model/definitions.js';
import type { CertificationHistoryRow } from '../store/health-tables.js';
import type { GroupTree } from './group-tree.js';

/** An entity's stored standing, as roll-ups read it. */
export interface EntityStanding {
  entityRef: string;
  ownerRef: string | null;
  results: Pick<CheckResult, 'check' | 'status'>[];
  certifications: TrackCertification[];
}

export interface CheckPassRate {
  check: string;
  title: string;
  passed: number;
  failed: number;
  notApplicable: number;
  /** passed / (passed + failed), or null when no entity is concerned. */
  passRate: number | null;
}

export interface TrackRollup {
  track: string;
  title: string;
  /** Count per level, lowest first; `level: null` is "not certified". */
  distribution: { level: string | null; title: string; count: number }[];
  /** One point per day, oldest first: entities at each level at the end of that day. */
  trend: { day: string; counts: Record<string, number> }[];
}

export interface LeaderboardRow {
  group: string;
  title: string;
  type: string | null;
  components: number;
  /** Mean certification over tracks, 0 (none) to 100 (every level of every track). */
  score: number;
  passRate: number | null;
}

export const NOT_CERTIFIED = 'none';

/** Pass rate per check over `standings`. */
export function passRates(
  standings: readonly EntityStanding[],
  checks: ReadonlyMap<string, CheckSpec>,
): CheckPassRate[] {
  const counts = new Map<string, { passed: number; failed: number; notApplicable: number }>();
  for (const name of checks.keys()) counts.set(name, { passed: 0, failed: 0, notApplicable: 0 });
  for (const s of standings) {
    for (const r of s.results) {
      const c = counts.get(r.check);
      if (!c) continue;
      if (r.status === 'passed') c.passed++;
      else if (r.status === 'failed') c.failed++;
      else c.notApplicable++;
    }
  }
  return [...counts].map(([check, c]) => ({
    check,
    title: checks.get(check)?.title ?? check,
    ...c,
    passRate: c.passed + c.failed === 0 ? null : c.passed / (c.passed + c.failed),
  }));
}

function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** The last `days` days ending today (UTC), oldest first. */
export function lastDays(now: string, days: number): string[] {
  const end = Date.parse(`${dayOf(now)}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Certification distribution now and per day, replaying the track's history rows
 * (a row each time an entity's level moved) for the entities in scope.
 */
export function trackRollup(
  track: TrackSpec,
  standings: readonly EntityStanding[],
  history: readonly CertificationHistoryRow[],
  days: readonly string[],
): TrackRollup {
  const inScope = new Set(standings.map((s) => s.entityRef));
  const distribution = [
    { level: null as string | null, title: 'Not certified', count: 0 },
    ...track.levels.map((l) => ({ level: l.name as string | null, title: l.title, count: 0 })),
  ];
  for (const s of standings) {
    const cert = s.certifications.find((c) => c.track === track.name);
    if (cert) distribution[cert.rank]!.count++;
  }
  const current = new Map<string, string>();
  const rows = history.filter((h) => h.track === track.name && inScope.has(h.entity_ref));
  let cursor = 0;
  const trend = days.map((day) => {
    while (cursor < rows.length && dayOf(rows[cursor]!.at) <= day) {
      const row = rows[cursor++]!;
      current.set(row.entity_ref, row.level ?? NOT_CERTIFIED);
    }
    const counts: Record<string, number> = { [NOT_CERTIFIED]: 0 };
    for (const l of track.levels) counts[l.name] = 0;
    for (const level of current.values()) counts[level] = (counts[level] ?? 0) + 1;
    return { day, counts };
  });
  return { track: track.name, title: track.title, distribution, trend };
}

/** Groups under `root` that own entities, best first. */
export function leaderboard(
  root: string,
  tree: GroupTree,
  standings: readonly EntityStanding[],
  tracks: readonly TrackSpec[],
): LeaderboardRow[] {
  const within = tree.descendants(root);
  const byOwner = new Map<string, EntityStanding[]>();
  for (const s of standings) {
    if (!s.ownerRef || !within.has(s.ownerRef)) continue;
    const list = byOwner.get(s.ownerRef) ?? [];
    list.push(s);
    byOwner.set(s.ownerRef, list);
  }
  const levels = new Map(tracks.map((t) => [t.name, t.levels.length]));
  const rows: LeaderboardRow[] = [];
  for (const [group, list] of byOwner) {
    let points = 0;
    let slots = 0;
    let passed = 0;
    let failed = 0;
    for (const s of list) {
      for (const c of s.certifications) {
        const max = levels.get(c.track);
        if (!max) continue;
        points += c.rank / max;
        slots++;
      }
      for (const r of s.results) {
        if (r.status === 'passed') passed++;
        else if (r.status === 'failed') failed++;
      }
    }
    const node = tree.get(group);
    rows.push({
      group,
      title: node?.title ?? group,
      type: node?.type ?? null,
      components: list.length,
      score: slots === 0 ? 0 : Math.round((points / slots) * 1000) / 10,
      passRate: passed + failed === 0 ? null : passed / (passed + failed),
    });
  }
  return rows.sort(
    (a, b) => b.score - a.score || (b.passRate ?? 0) - (a.passRate ?? 0) || a.group.localeCompare(b.group),
  );
}

/**
 * Components failing any of `checks` per day, in all and per owning group,
 * replaying status-history rows (a row each time an entity's statuses changed).
 * `owners` maps each entity in scope to its owner.
 */
export function burndown(
  checks: readonly string[],
  history: readonly { entity_ref: string; statuses_json: string; at: string }[],
  owners: ReadonlyMap<string, string>,
  days: readonly string[],
): { day: string; failing: number; byOwner: Record<string, number> }[] {
  const failing = new Map<string, boolean>();
  let cursor = 0;
  return days.map((day) => {
    while (cursor < history.length && dayOf(history[cursor]!.at) <= day) {
      const row = history[cursor++]!;
      if (!owners.has(row.entity_ref)) continue;
      const statuses = JSON.parse(row.statuses_json) as Record<string, string>;
      failing.set(
        row.entity_ref,
        checks.some((c) => statuses[c] === 'failed'),
      );
    }
    let count = 0;
    const byOwner: Record<string, number> = {};
    for (const [entityRef, isFailing] of failing) {
      if (!isFailing) continue;
      count++;
      const owner = owners.get(entityRef)!;
      byOwner[owner] = (byOwner[owner] ?? 0) + 1;
    }
    return { day, failing: count, byOwner };
  });
}

/** Passed and failed results on one day, and their ratio (null when no result counted). */
export interface PassRatePoint {
  day: string;
  passed: number;
  failed: number;
  passRate: number | null;
}

export interface CheckTrend {
  check: string;
  title: string;
  /** One point per day, oldest first. */
  trend: PassRatePoint[];
}

/**
 * Pass rate per day for each check and over every check together (results
 * weighted alike, as the leaderboard's pass rate), replaying status-history rows
 * (sorted by time; one row each time an entity's statuses changed) for the
 * entities in `inScope`. An entity counts from the day of its first row; a status
 * of a check no longer defined is ignored.
 *
 * @example
 * checkTrends(health.checks, await store.resultHistory({ entityRefs }), new Set(entityRefs), lastDays(now, 30));
 */
export function checkTrends(
  checks: ReadonlyMap<string, CheckSpec>,
  history: readonly { entity_ref: string; statuses_json: string; at: string }[],
  inScope: ReadonlySet<string>,
  days: readonly string[],
): { overall: PassRatePoint[]; checks: CheckTrend[] } {
  const names = [...checks.keys()];
  const index = new Map(names.map((name, i) => [name, i]));
  const passed = new Array<number>(names.length).fill(0);
  const failed = new Array<number>(names.length).fill(0);
  // Each entity's latest statuses, as counted: replaced rows are subtracted before the new one is added.
  const current = new Map<string, Record<string, string>>();
  const apply = (statuses: Record<string, string>, sign: 1 | -1) => {
    for (const [check, status] of Object.entries(statuses)) {
      const i = index.get(check);
      if (i === undefined) continue;
      if (status === 'passed') passed[i]! += sign;
      else if (status === 'failed') failed[i]! += sign;
    }
  };
  const rate = (p: number, f: number) => (p + f === 0 ? null : p / (p + f));
  const perCheck: PassRatePoint[][] = names.map(() => []);
  const overall: PassRatePoint[] = [];
  let cursor = 0;
  for (const day of days) {
    while (cursor < history.length && dayOf(history[cursor]!.at) <= day) {
      const row = history[cursor++]!;
      if (!inScope.has(row.entity_ref)) continue;
      const before = current.get(row.entity_ref);
      if (before) apply(before, -1);
      const statuses = JSON.parse(row.statuses_json) as Record<string, string>;
      apply(statuses, 1);
      current.set(row.entity_ref, statuses);
    }
    let p = 0;
    let f = 0;
    names.forEach((_, i) => {
      perCheck[i]!.push({ day, passed: passed[i]!, failed: failed[i]!, passRate: rate(passed[i]!, failed[i]!) });
      p += passed[i]!;
      f += failed[i]!;
    });
    overall.push({ day, passed: p, failed: f, passRate: rate(p, f) });
  }
  return {
    overall,
    checks: names.map((check, i) => ({ check, title: checks.get(check)?.title ?? check, trend: perCheck[i]! })),
  };
}

/** One entity in a roll-up: its level on each track and its own pass rate. */
export interface EntityRollupRow {
  entityRef: string;
  ownerRef: string | null;
  certifications: { track: string; level: string | null; rank: number }[];
  passed: number;
  failed: number;
  passRate: number | null;
}

/** Per-entity rows for a roll-up, lowest certification first (what needs work on top), then by ref. */
export function entityRows(standings: readonly EntityStanding[]): EntityRollupRow[] {
  const rows = standings.map((s) => {
    let passed = 0;
    let failed = 0;
    for (const r of s.results) {
      if (r.status === 'passed') passed++;
      else if (r.status === 'failed') failed++;
    }
    return {
      entityRef: s.entityRef,
      ownerRef: s.ownerRef,
      certifications: s.certifications.map((c) => ({ track: c.track, level: c.level, rank: c.rank })),
      passed,
      failed,
      passRate: passed + failed === 0 ? null : passed / (passed + failed),
    };
  });
  const rankSum = (r: EntityRollupRow) => r.certifications.reduce((n, c) => n + c.rank, 0);
  return rows.sort(
    (a, b) =>
      rankSum(a) - rankSum(b) || (a.passRate ?? 1) - (b.passRate ?? 1) || a.entityRef.localeCompare(b.entityRef),
  );
}
