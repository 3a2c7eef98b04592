import type { HttpClient } from '../http-client.js';
import type { TargetRow } from './shift-format.js';

/** The largest page the server gives: the fewest requests for a whole fleet. */
const PAGE_LIMIT = 1000;

export interface TargetFilter {
  state?: string;
  owner?: string;
}

/**
 * Every target of a shift under a filter, following the server's pages
 * (`GET /api/fleet/shifts/:name/targets` answers `{ items, nextCursor?, total }`)
 * until the last one, so a status or a live view covers the whole fleet.
 *
 * @example
 * const failed = await listAllTargets(client, 'bump-log-lib', { state: 'failed' });
 */
export async function listAllTargets(
  client: HttpClient,
  shiftName: string,
  filter: TargetFilter = {},
): Promise<TargetRow[]> {
  const path = `/api/fleet/shifts/${encodeURIComponent(shiftName)}/targets`;
  const targets: TargetRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.request<{ items?: TargetRow[]; nextCursor?: string } | undefined>('GET', path, {
      query: { ...filter, limit: PAGE_LIMIT, cursor },
    });
    targets.push(...(page?.items ?? []));
    cursor = page?.nextCursor;
  } while (cursor !== undefined);
  return targets;
}
