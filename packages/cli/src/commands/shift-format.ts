import { type Column, formatTable } from '../output.js';

/** Target states in lifecycle order, as the fleet API names them. */
export const TARGET_STATES = [
  'pending',
  'planned',
  'no-change',
  'plan-failed',
  'scheduled',
  'published',
  'checks-pending',
  'checks-passed',
  'checks-failed',
  'merged',
  'closed',
  'failed',
] as const;

export type TargetState = (typeof TARGET_STATES)[number];

/** States a target never leaves on its own: waiting ends when every target is in one. */
export const SETTLED_STATES: ReadonlySet<string> = new Set([
  'no-change',
  'plan-failed',
  'checks-failed',
  'merged',
  'closed',
  'failed',
]);

/** States that make `--wait` exit with 1, and that `shift retry` picks up by default. */
export const FAILED_STATES: ReadonlySet<string> = new Set(['plan-failed', 'checks-failed', 'failed']);

/** States whose diff is worth showing: planned, or on its way to a merge. */
export const DIFF_STATES: ReadonlySet<string> = new Set([
  'planned',
  'scheduled',
  'published',
  'checks-pending',
  'checks-passed',
  'checks-failed',
]);

export interface ShiftSummary {
  name: string;
  description?: string;
  owner: string;
  state: 'active' | 'paused' | 'closed';
  preview: boolean;
  createdAt: string;
  updatedAt: string;
  appliedBy: string;
  total: number;
  merged: number;
  totals: Partial<Record<TargetState, number>>;
  rateLimitedUntil?: string;
}

export interface ShiftDetail extends ShiftSummary {
  specYaml: string;
  burndown: { at: string; total: number; merged: number; open: number }[];
  /** Entities the target query selected that could not become targets, with the reason. */
  warnings?: string[];
}

export interface TargetRow {
  id: string;
  entityRef: string;
  repository: string;
  owner?: string;
  state: TargetState;
  checks: 'none' | 'pending' | 'passed' | 'failed';
  attempts: number;
  branch?: string;
  baseBranch?: string;
  diffStats?: { files: number; additions: number; deletions: number };
  lastLog?: string;
  updatedAt: string;
  wave: 'canary' | 'main';
  error?: string;
}

export interface TargetDetail extends TargetRow {
  title?: string;
  body?: string;
  diff?: string;
  checkLog?: string;
  labels?: string[];
  history: { at: string; from: TargetState | null; to: TargetState; attempt: number; log?: string }[];
  mergeable: boolean;
  mergeBlockedReason?: string;
}

/** One problem with a spec as a 400 answer to `POST /api/fleet/shifts` lists it. */
export interface SpecError {
  field?: string;
  line?: number;
  column?: number;
  message?: string;
}

/**
 * A spec error the way compilers print them, so editors can jump to the line:
 * `<file>:<line>: <field>: <message>`; parts the server did not send are left out.
 *
 * @example
 * formatSpecError('shift.yaml', { field: 'spec.steps[0].type', line: 12, message: 'unknown step type' })
 * // 'shift.yaml:12: spec.steps[0].type: unknown step type'
 */
export function formatSpecError(file: string, error: SpecError): string {
  const where = typeof error.line === 'number' ? `${file}:${error.line}` : file;
  const field = error.field ? `${error.field}: ` : '';
  return `${where}: ${field}${error.message ?? 'is invalid'}`;
}

/**
 * Whether waiting is over: every target settled (or, for a preview, planned too).
 * An empty list is not settled by itself: the target query may not have run yet.
 *
 * @example
 * isSettled([{ state: 'planned' }], { preview: true }); // true
 */
export function isSettled(targets: Pick<TargetRow, 'state'>[], options: { preview: boolean }): boolean {
  if (targets.length === 0) return false;
  return targets.every((t) => SETTLED_STATES.has(t.state) || (options.preview && t.state === 'planned'));
}

/**
 * The canaries that failed while the main wave waits for them: nothing will move
 * until someone retries or closes them, so a wait should stop and say so. Empty
 * when the shift is not blocked that way.
 *
 * @example
 * blockingCanaries([{ wave: 'canary', state: 'checks-failed', ... }, { wave: 'main', state: 'scheduled', ... }])
 */
export function blockingCanaries<T extends Pick<TargetRow, 'state' | 'wave'>>(targets: T[]): T[] {
  const failed = targets.filter((t) => t.wave === 'canary' && FAILED_STATES.has(t.state));
  if (failed.length === 0) return [];
  const stuck = targets.filter((t) => !SETTLED_STATES.has(t.state));
  const onlyWaiting = stuck.length > 0 && stuck.every((t) => t.wave === 'main' && t.state === 'scheduled');
  return onlyWaiting ? failed : [];
}

/**
 * A short name for a repository: the path of a URL (`org/web-player`), the last
 * directory of a local path, without `.git`.
 *
 * @example
 * repositoryName('https://git.example.com/org/web-player.git') // 'org/web-player'
 * repositoryName('/srv/repos/playback-service') // 'playback-service'
 */
export function repositoryName(repository: string): string {
  const trimmed = repository.replace(/[/\\]+$/, '').replace(/\.git$/, '');
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.+)$/i.exec(trimmed) ?? /^[^/@\s]+@[^/:\s]+:(.+)$/.exec(trimmed);
  if (url) return url[1] as string;
  if (trimmed.startsWith('/')) return trimmed.slice(trimmed.lastIndexOf('/') + 1) || repository;
  return trimmed || repository;
}

/**
 * Counts targets by state, in lifecycle order, leaving out states nobody is in.
 *
 * @example
 * countByState([{ state: 'merged' }, { state: 'pending' }, { state: 'merged' }]); // [['pending', 1], ['merged', 2]]
 */
export function countByState(targets: Pick<TargetRow, 'state'>[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const target of targets) counts.set(target.state, (counts.get(target.state) ?? 0) + 1);
  const known = TARGET_STATES.filter((s) => counts.has(s)).map((s): [string, number] => [s, counts.get(s) ?? 0]);
  const unknown = [...counts].filter(([s]) => !(TARGET_STATES as readonly string[]).includes(s));
  return [...known, ...unknown];
}

/**
 * The one-line summary under live progress.
 *
 * @example
 * progressSummary([{ state: 'merged' }, { state: 'published' }], { preview: false });
 * // '1/2 settled · published 1 · merged 1'
 */
export function progressSummary(targets: Pick<TargetRow, 'state'>[], options: { preview: boolean }): string {
  const done = targets.filter((t) => SETTLED_STATES.has(t.state) || (options.preview && t.state === 'planned')).length;
  const counts = countByState(targets)
    .map(([state, n]) => `${state} ${n}`)
    .join(' · ');
  return `${done}/${targets.length} settled${counts ? ` · ${counts}` : ''}`;
}

/** The totals of a shift as `state n · state n`, in lifecycle order. */
export function formatTotals(totals: Partial<Record<string, number>>): string {
  const parts = TARGET_STATES.filter((s) => (totals[s] ?? 0) > 0).map((s) => `${s} ${totals[s]}`);
  return parts.length > 0 ? parts.join(' · ') : 'no targets yet';
}

/**
 * The head of `shift status`: name and state, owner, progress and totals.
 *
 * @example
 * formatShiftHeader(shift); // ['bump-log-lib  active  preview', '  owner: group:default/platform', ...]
 */
export function formatShiftHeader(shift: ShiftSummary & Pick<ShiftDetail, 'warnings'>): string[] {
  const percent = shift.total > 0 ? Math.floor((shift.merged / shift.total) * 100) : 0;
  const flags = [shift.state, shift.preview ? 'preview' : undefined].filter(Boolean).join('  ');
  return [
    `${shift.name}  ${flags}`,
    ...(shift.description ? [`  ${shift.description}`] : []),
    `  owner: ${shift.owner}   applied by: ${shift.appliedBy}   updated: ${shift.updatedAt}`,
    `  merged: ${shift.merged}/${shift.total} (${percent}%)`,
    ...(shift.rateLimitedUntil ? [`  rate-limited until ${shift.rateLimitedUntil}`] : []),
    `  totals: ${formatTotals(shift.totals)}`,
    ...(shift.warnings ?? []).map((warning) => `  warning: ${warning}`),
  ];
}

/** The columns of the full target table (`shift status`). */
export const TARGET_COLUMNS: Column<TargetRow>[] = [
  { header: 'REPOSITORY', value: (t) => repositoryName(t.repository) },
  { header: 'STATE', value: (t) => t.state },
  { header: 'CHECKS', value: (t) => (t.checks === 'none' ? undefined : t.checks) },
  { header: 'OWNER', value: (t) => t.owner },
  { header: 'BRANCH', value: (t) => t.branch },
  { header: 'ATTEMPTS', value: (t) => t.attempts },
  { header: 'LAST LOG', value: (t) => truncate(t.error ?? lastLine(t.lastLog), 60) },
];

/** The columns of the compact live table (`--wait`, `--watch` on a terminal). */
export const LIVE_COLUMNS: Column<TargetRow>[] = [
  { header: 'REPOSITORY', value: (t) => repositoryName(t.repository) },
  { header: 'STATE', value: (t) => t.state },
  { header: 'CHECKS', value: (t) => (t.checks === 'none' ? undefined : t.checks) },
];

/**
 * The live table for a terminal of `maxRows` rows: targets still moving first,
 * then failures, then the rest, so what matters stays on screen; the summary last.
 *
 * @example
 * formatLiveView(targets, { preview: false, maxRows: 20 }).join('\n');
 */
export function formatLiveView(targets: TargetRow[], options: { preview: boolean; maxRows: number }): string[] {
  const rank = (t: TargetRow) => (!SETTLED_STATES.has(t.state) ? 0 : FAILED_STATES.has(t.state) ? 1 : 2);
  const ordered = [...targets].sort((a, b) => rank(a) - rank(b) || a.repository.localeCompare(b.repository));
  const room = Math.max(1, options.maxRows);
  const shown = ordered.length > room ? ordered.slice(0, room - 1) : ordered;
  const lines = targets.length === 0 ? ['Waiting for targets…'] : formatTable(shown, LIVE_COLUMNS).split('\n');
  if (shown.length < ordered.length) lines.push(`… and ${ordered.length - shown.length} more`);
  lines.push(progressSummary(targets, options));
  return lines;
}

/**
 * Lines for the targets whose state changed since `previous` (repository → state),
 * for logs and pipes where a redrawn table would be noise.
 *
 * @example
 * formatChanges(new Map([['1', 'planned']]), [{ id: '1', repository: 'org/web', state: 'published' }]);
 * // ['org/web: planned -> published']
 */
export function formatChanges(
  previous: ReadonlyMap<string, string>,
  targets: Pick<TargetRow, 'id' | 'repository' | 'state' | 'error'>[],
): string[] {
  const lines: string[] = [];
  for (const target of targets) {
    const before = previous.get(target.id);
    if (before === target.state) continue;
    const reason = FAILED_STATES.has(target.state) && target.error ? ` (${oneLine(target.error)})` : '';
    lines.push(`${repositoryName(target.repository)}: ${before ? `${before} -> ` : ''}${target.state}${reason}`);
  }
  return lines;
}

/**
 * Finds a target by id, entity ref (short forms allowed, as in `web` or `component:web`)
 * or repository.
 *
 * @example
 * findTarget(rows, 'web'); // the row whose entityRef is component:default/web
 */
export function findTarget<T extends Pick<TargetRow, 'id' | 'entityRef' | 'repository'>>(
  rows: T[],
  key: string,
): T | undefined {
  const wanted = key.toLowerCase();
  const canonical = canonicalRef(wanted);
  return (
    rows.find((row) => row.id === key) ??
    rows.find((row) => row.entityRef.toLowerCase() === wanted || row.entityRef.toLowerCase() === canonical) ??
    rows.find((row) => row.repository === key)
  );
}

function canonicalRef(ref: string): string {
  let colon = ref.indexOf(':');
  const slash = ref.indexOf('/');
  if (slash !== -1 && slash < colon) colon = -1;
  const kind = colon === -1 ? 'component' : ref.slice(0, colon);
  const namespace = slash === -1 ? 'default' : ref.slice(colon + 1, slash);
  return `${kind}:${namespace}/${ref.slice(Math.max(colon + 1, slash + 1))}`;
}

function lastLine(log: string | undefined): string | undefined {
  const lines = (log ?? '').split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines[lines.length - 1]?.trim();
}

function oneLine(text: string): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), 120) ?? '';
}

function truncate(text: string | undefined, max: number): string | undefined {
  if (!text) return text;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
