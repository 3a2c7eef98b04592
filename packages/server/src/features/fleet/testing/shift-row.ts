import { newId, nowIso } from '../../../platform/ids.js';
import type { ShiftRow } from '../store/fleet-tables.js';

/**
 * A shift row for tests that write straight to the store: no spec is parsed and no
 * jobs are queued, so nothing moves but the test. `overrides` sets any column.
 *
 * @example
 * await store.insertShift(testShiftRow('bump', { state: 'paused', preview: 1 }));
 */
export function testShiftRow(name: string, overrides: Partial<ShiftRow> = {}): ShiftRow {
  const now = nowIso();
  return {
    id: newId(),
    name,
    owner_ref: 'group:default/platform',
    description: null,
    spec_yaml: 'kind: Shift',
    spec_json: '{}',
    plan_hash: 'h',
    state: 'active',
    preview: 0,
    applied_by: 'user:default/ada',
    created_at: now,
    updated_at: now,
    rate_limited_until: null,
    ...overrides,
  };
}
