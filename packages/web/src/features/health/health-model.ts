import type { OrgTreeItem } from '../org/org-api.js';
import type {
  Attestation,
  CheckResult,
  CheckSpec,
  CheckStatus,
  EntityHealth,
  EntityHistory,
  GroupRollup,
  HealthDefinition,
  TrackSpec,
} from './health-api.js';

const DAY_MS = 86_400_000;

/**
 * A rate as a whole percentage, or a dash when nothing was counted.
 *
 * @example
 * formatPercent(2 / 3); // '67%'
 */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${Math.round(rate * 100)}%`;
}

/** Pill tone of a check status. */
export function statusTone(status: CheckStatus | undefined): string {
  if (status === 'passed') return 'ok';
  if (status === 'failed') return 'danger';
  return 'neutral';
}

/** How a status reads. */
export function statusLabel(status: CheckStatus | undefined): string {
  if (status === 'not-applicable') return 'not applicable';
  return status ?? 'not evaluated';
}

const NAMED_LEVEL_COLOURS: Record<string, string> = {
  bronze: '#b4713d',
  silver: '#8c98a6',
  gold: '#d2a106',
  platinum: '#5c7fa3',
};
const LEVEL_PALETTE = ['#7aa7e0', '#335cff', '#1f8a4c', '#7c4dcc', '#c4322b'];
export const NOT_CERTIFIED_COLOUR = '#d7dce2';

/**
 * The colour of a level in charts and pills: bronze, silver, gold and platinum by
 * name, others by rank; not certified (rank 0) is grey.
 *
 * @example
 * levelColour('silver', 2); // '#8c98a6'
 */
export function levelColour(level: string | null, rank: number): string {
  if (!level || rank === 0) return NOT_CERTIFIED_COLOUR;
  return NAMED_LEVEL_COLOURS[level.toLowerCase()] ?? LEVEL_PALETTE[(rank - 1) % LEVEL_PALETTE.length]!;
}

/** One check as the Health tab shows it: the result with its definition's title, whether it is manual. */
export interface CheckView {
  check: string;
  title: string;
  description?: string;
  /** Undefined when the entity has not been evaluated against the check yet. */
  status?: CheckStatus;
  message: string;
  fix?: string;
  manual?: { expiresAfterDays: number };
  attestation?: Attestation;
}

export interface LevelView {
  name: string;
  title: string;
  passed: boolean;
  /** The entity holds this level: it and every level below pass. */
  reached: boolean;
  checks: CheckView[];
}

export interface TrackView {
  track: string;
  title: string;
  description?: string;
  level: string | null;
  levelTitle: string;
  rank: number;
  levels: LevelView[];
  /** The first level not reached and the checks that keep it back; null at the top. */
  next: { name: string; title: string; failing: CheckView[] } | null;
}

function definitionsByKind(definitions: readonly HealthDefinition[]) {
  const checks = new Map<string, CheckSpec>();
  const tracks = new Map<string, TrackSpec>();
  for (const d of definitions) {
    if (d.kind === 'Check') checks.set(d.name, d.spec);
    if (d.kind === 'Track') tracks.set(d.name, d.spec);
  }
  return { checks, tracks };
}

function checkView(name: string, result: CheckResult | undefined, spec: CheckSpec | undefined): CheckView {
  return {
    check: name,
    title: spec?.title ?? name,
    ...(spec?.description ? { description: spec.description } : {}),
    ...(result ? { status: result.status } : {}),
    message: result?.message ?? 'Not evaluated yet.',
    ...(result?.fix || spec?.fix ? { fix: result?.fix ?? spec?.fix } : {}),
    ...(spec?.manual ? { manual: spec.manual } : {}),
    ...(result?.attestation ? { attestation: result.attestation } : {}),
  };
}

/**
 * The entity's standing per track for the Health tab: each level with its checks
 * (from the track's definition) and their results, which levels it holds, and
 * what the next level needs.
 *
 * @example
 * const [golden] = trackViews(health, definitions);
 * golden.next?.failing.map((c) => c.title); // ['Has tests']
 */
export function trackViews(health: EntityHealth, definitions: readonly HealthDefinition[]): TrackView[] {
  const { checks, tracks } = definitionsByKind(definitions);
  const results = new Map(health.results.map((r) => [r.check, r]));
  return health.certifications.map((cert) => {
    const spec = tracks.get(cert.track);
    const levels = cert.levels.map((level, i) => {
      const names = spec?.levels.find((l) => l.name === level.name)?.checks ?? level.failing;
      return {
        name: level.name,
        title: level.title,
        passed: level.passed,
        reached: i < cert.rank,
        checks: names.map((name) => checkView(name, results.get(name), checks.get(name))),
      };
    });
    const nextLevel = levels[cert.rank];
    return {
      track: cert.track,
      title: spec?.title ?? cert.track,
      ...(spec?.description ? { description: spec.description } : {}),
      level: cert.level,
      levelTitle: cert.rank === 0 ? 'Not certified' : (levels[cert.rank - 1]?.title ?? cert.level ?? ''),
      rank: cert.rank,
      levels,
      next: nextLevel
        ? {
            name: nextLevel.name,
            title: nextLevel.title,
            failing: nextLevel.checks.filter((c) => c.status === 'failed'),
          }
        : null,
    };
  });
}

/** Results of checks that belong to no track of the entity (campaign-only checks, say), failures first. */
export function otherChecks(health: EntityHealth, definitions: readonly HealthDefinition[]): CheckView[] {
  const { checks, tracks } = definitionsByKind(definitions);
  const inTracks = new Set<string>();
  for (const cert of health.certifications) {
    for (const level of tracks.get(cert.track)?.levels ?? []) for (const c of level.checks) inTracks.add(c);
  }
  const order: Record<string, number> = { failed: 0, passed: 1, 'not-applicable': 2 };
  return health.results
    .filter((r) => !inTracks.has(r.check))
    .map((r) => checkView(r.check, r, checks.get(r.check)))
    .sort((a, b) => (order[a.status ?? ''] ?? 3) - (order[b.status ?? ''] ?? 3) || a.title.localeCompare(b.title));
}

/**
 * Whole days from `now` until an ISO time or date (negative once it passed),
 * counted on UTC calendar days.
 *
 * @example
 * daysUntil('2026-03-10', Date.parse('2026-03-01T12:00:00Z')); // 9
 */
export function daysUntil(iso: string, now = Date.now()): number {
  const day = (t: number) => Math.floor(t / DAY_MS);
  return day(Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso)) - day(now);
}

/**
 * "in 12 days", "today", "3 days overdue": how far a campaign's deadline is.
 *
 * @example
 * deadlineLabel('2026-03-01', Date.parse('2026-03-04T00:00:00Z')); // '3 days overdue'
 */
export function deadlineLabel(deadline: string, now = Date.now()): string {
  const days = daysUntil(deadline, now);
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  if (days === 0) return 'due today';
  return days > 0 ? `in ${plural(days)}` : `${plural(-days)} overdue`;
}

/** Pill tone of a deadline: overdue is danger, within two weeks a warning. */
export function deadlineTone(deadline: string, now = Date.now()): string {
  const days = daysUntil(deadline, now);
  if (days < 0) return 'danger';
  return days <= 14 ? 'warn' : 'neutral';
}

/** Whether an attestation still counts, and how it reads: "expires in 170 days" or "expired 3 days ago". */
export function attestationExpiry(attestation: Attestation, now = Date.now()): { expired: boolean; label: string } {
  const days = daysUntil(attestation.expiresAt, now);
  const expired = Date.parse(attestation.expiresAt) <= now;
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  if (expired) return { expired, label: days === 0 ? 'expired today' : `expired ${plural(-days)} ago` };
  return { expired, label: days === 0 ? 'expires today' : `expires in ${plural(days)}` };
}

/** One move of a level, for the history list: newest first. */
export interface LevelChange {
  track: string;
  at: string;
  from: string | null;
  to: string | null;
  /** The track's first row: the entity was evaluated on it for the first time. */
  first: boolean;
  up: boolean;
}

/**
 * An entity's certification history as moves from one level to another per track
 * (the first row of a track moves from nothing), newest first.
 *
 * @example
 * levelChanges(history)[0]; // { track: 'golden-state', from: 'bronze', to: 'silver', up: true, at }
 */
export function levelChanges(history: EntityHistory): LevelChange[] {
  const previous = new Map<string, { level: string | null; rank: number }>();
  const changes: LevelChange[] = [];
  const rows = [...history.certifications].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const row of rows) {
    const before = previous.get(row.track);
    changes.push({
      track: row.track,
      at: row.at,
      from: before ? before.level : null,
      to: row.level,
      first: !before,
      up: row.rank > (before?.rank ?? 0),
    });
    previous.set(row.track, { level: row.level, rank: row.rank });
  }
  return changes.reverse();
}

/**
 * The share of components certified at the first level or above on a track.
 *
 * @example
 * certifiedShare([{ level: null, count: 1 }, { level: 'bronze', count: 3 }]); // 0.75
 */
export function certifiedShare(distribution: readonly { level: string | null; count: number }[]): number | null {
  const total = distribution.reduce((sum, d) => sum + d.count, 0);
  if (total === 0) return null;
  return distribution.filter((d) => d.level !== null).reduce((sum, d) => sum + d.count, 0) / total;
}

/**
 * Per level of a track (lowest first, "not certified" first of all), the count on
 * each day of the roll-up's trend: the layers of the certification trend chart.
 */
export function trendLayers(track: GroupRollup['tracks'][number]): {
  key: string;
  title: string;
  rank: number;
  values: number[];
}[] {
  return track.distribution.map((d, rank) => ({
    key: d.level ?? 'none',
    title: d.title,
    rank,
    values: track.trend.map((point) => point.counts[d.level ?? 'none'] ?? 0),
  }));
}

/** Group types that cut across the reporting line; the dashboard's picker leaves them out. */
const CROSS_CUTTING = ['chapter', 'guild'];
const TYPE_ORDER = ['department', 'tribe', 'squad'];

/**
 * Groups of the reporting line for the dashboard's picker, roots first (the
 * department), then by type and title; and the default: the first root.
 *
 * @example
 * const { options, defaultRef } = dashboardGroups(orgTree);
 */
export function dashboardGroups(items: readonly OrgTreeItem[]): {
  options: { ref: string; label: string; type: string | null; root: boolean }[];
  defaultRef: string | undefined;
} {
  const line = items.filter((i) => !CROSS_CUTTING.includes((i.type ?? '').toLowerCase()));
  const refs = new Set(line.map((i) => i.entityRef));
  const isRoot = (i: OrgTreeItem) => !i.parentRef || !refs.has(i.parentRef);
  const typeRank = (i: OrgTreeItem) => {
    const index = TYPE_ORDER.indexOf((i.type ?? '').toLowerCase());
    return index === -1 ? TYPE_ORDER.length : index;
  };
  const sorted = [...line].sort(
    (a, b) =>
      Number(isRoot(b)) - Number(isRoot(a)) ||
      typeRank(a) - typeRank(b) ||
      (a.title || a.name).localeCompare(b.title || b.name),
  );
  return {
    options: sorted.map((i) => ({
      ref: i.entityRef,
      label: i.title || i.name,
      type: i.type ?? null,
      root: isRoot(i),
    })),
    defaultRef: sorted[0]?.entityRef,
  };
}
