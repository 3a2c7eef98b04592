import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LargeFleet, LOG_LIB_NAME } from '@backbeat/demo-fleet';
import { runGit } from '../../../platform/git/index.js';
import type { TargetState } from '../model/target-state.js';
import type { ApiClient } from './backbeat-process.js';
import {
  branchesOf,
  fileOnMain,
  type HistoryEntry,
  historyProblems,
  mainHistory,
  waitFor,
} from './fleet-invariants.js';

/** The fixed log-lib version every generated large-fleet service is behind. */
export const FIXED_LOG_LIB = '2.17.1';

export interface ShiftTotals {
  total: number;
  merged: number;
  totals: Partial<Record<TargetState, number>>;
}

export interface ListedTarget {
  id: string;
  entityRef: string;
  state: TargetState;
  error?: string;
}

export const SETTLED: readonly TargetState[] = [
  'merged',
  'no-change',
  'plan-failed',
  'checks-failed',
  'failed',
  'closed',
];

/**
 * Turns on a reflog for every branch of the fleet's bare repositories, so each
 * update of `main` by a push is recorded and can be counted afterwards.
 *
 * @example
 * await recordBranchUpdates(fleet);
 */
export async function recordBranchUpdates(fleet: LargeFleet): Promise<void> {
  for (const repo of fleet.repos) await runGit(['--git-dir', repo.path, 'config', 'core.logAllRefUpdates', 'always']);
}

/**
 * Registers the org repository and every service repository of a generated large
 * fleet through the HTTP API, and waits until the catalog holds every component.
 *
 * @example
 * await registerLargeFleet(api, fleet);
 */
export async function registerLargeFleet(api: ApiClient, fleet: LargeFleet): Promise<void> {
  await api('POST', '/api/catalog/locations', { type: 'git', target: fleet.orgRepo, options: { path: 'groups.yaml' } });
  for (const repo of fleet.repos) {
    await api('POST', '/api/catalog/locations', {
      type: 'git',
      target: repo.path,
      options: { path: 'catalog-info.yaml' },
    });
  }
  await waitFor(
    async () => {
      const page = await api<{ totalItems: number }>(
        'GET',
        '/api/catalog/entities/by-query?filter=kind=component&limit=1',
      );
      return page.totalItems === fleet.repos.length ? true : undefined;
    },
    60_000,
    () => 'the catalog did not ingest every repository',
  );
}

/**
 * A shift that bumps log-lib to the fixed version in every Node service and
 * squash-merges the change on its own (the generated repositories declare no checks).
 *
 * @example
 * await api('POST', '/api/fleet/shifts', { yaml: logLibShiftYaml('bump') });
 */
export function logLibShiftYaml(name: string): string {
  return `apiVersion: backbeat.dev/v1
kind: Shift
metadata:
  name: ${name}
  owner: group:default/developer-experience-squad
spec:
  targets:
    filter:
      kind: [component]
      tag: [node]
    dependency:
      name: ${LOG_LIB_NAME}
      below: ${FIXED_LOG_LIB}
  steps:
    - type: bump-dependency
      dependency: ${LOG_LIB_NAME}
      to: ${FIXED_LOG_LIB}
  change:
    title: "Upgrade log-lib in {{ entity.metadata.name }}"
  automerge:
    enabled: true
    requireChecks: false
    method: squash
`;
}

/**
 * Waits until every target of the shift is settled and returns them.
 *
 * @example
 * const targets = await settledTargets(api, 'bump', fleet.repos.length, 120_000, () => server.output());
 */
export async function settledTargets(
  api: ApiClient,
  shift: string,
  count: number,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<ListedTarget[]> {
  return waitFor(
    async () => {
      const items: ListedTarget[] = [];
      let cursor: string | undefined;
      do {
        const page = await api<{ items: ListedTarget[]; nextCursor?: string }>(
          'GET',
          `/api/fleet/shifts/${shift}/targets?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items.length === count && items.every((t) => SETTLED.includes(t.state)) ? items : undefined;
    },
    timeoutMs,
    async () => {
      const totals = await api<ShiftTotals>('GET', `/api/fleet/shifts/${shift}`).catch((e: Error) => e.message);
      return `not settled: ${JSON.stringify(totals)}\n${context()}`;
    },
    250,
  );
}

/**
 * Everything that says a repository did not get exactly one change from the shift:
 * a target not merged, a history with a gap or a doubled publish, a main branch that
 * is not the generated commit plus one commit holding the fix, a main branch updated
 * by more than one push (from the reflog {@link recordBranchUpdates} turned on), or a
 * branch left behind. Empty when all is well.
 *
 * @example
 * expect(await oneChangeEach(api, 'bump', fleet, targets)).toEqual([]);
 */
export async function oneChangeEach(
  api: ApiClient,
  shift: string,
  fleet: LargeFleet,
  targets: readonly ListedTarget[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const target of targets) {
    if (target.state !== 'merged') problems.push(`${target.entityRef} is ${target.state}: ${target.error ?? ''}`);
    const detail = await api<{ history: HistoryEntry[] }>('GET', `/api/fleet/shifts/${shift}/targets/${target.id}`);
    for (const problem of historyProblems(detail.history)) problems.push(`${target.entityRef}: ${problem}`);
  }
  for (const repo of fleet.repos) {
    const history = await mainHistory(repo.path, { bare: true });
    if (history.length !== 2 || history[1] !== repo.commit) {
      problems.push(`${repo.name}: main has ${history.length} commits, expected the generated one plus one`);
    }
    const manifest = JSON.parse((await fileOnMain(repo.path, 'package.json', { bare: true })) ?? '{}') as {
      dependencies?: Record<string, string>;
    };
    const version = manifest.dependencies?.[LOG_LIB_NAME] ?? '';
    if (version.replace(/^[\^~]/, '') !== FIXED_LOG_LIB) problems.push(`${repo.name}: log-lib on main is ${version}`);
    const reflog = join(repo.path, 'logs', 'refs', 'heads', 'main');
    const updates = existsSync(reflog) ? readFileSync(reflog, 'utf8').trim().split('\n').filter(Boolean).length : 0;
    if (updates !== 1) problems.push(`${repo.name}: main was updated ${updates} times`);
    const branches = await branchesOf(repo.path, { bare: true });
    if (branches.join() !== 'main') problems.push(`${repo.name}: branches left: ${branches.join(', ')}`);
  }
  return problems;
}
