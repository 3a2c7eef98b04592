import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHealthHarness,
  exampleDefinitionFiles,
  HEALTH_ADMIN,
  type HealthHarness,
} from './testing/health-harness.js';

/**
 * Fleet Shift's `automerge.minHealthLevel` on real repositories: the shift's
 * changes merge only in components certified at the level; the others are held
 * with the reason, and their default branch is untouched.
 */
let h: HealthHarness;

const GATE_TRACK = `apiVersion: backbeat.dev/v1
kind: Track
metadata: { name: review-ready }
spec:
  applies: { kind: Component }
  levels:
    - { name: reviewed, checks: [has-codeowners] }
`;

beforeAll(async () => {
  h = await createHealthHarness({ size: 12, fleet: true });
  await h.health.service.loadDefinitionFiles(HEALTH_ADMIN, exampleDefinitionFiles());
  await h.health.service.applyDefinitions(HEALTH_ADMIN, { yaml: GATE_TRACK });
  await h.health.service.refresh();
  await h.queue.start();
}, 120_000);
afterAll(() => h?.dispose());

const SHIFT = `apiVersion: backbeat.dev/v1
kind: Shift
metadata:
  name: gated-bump
  owner: group:default/developer-experience-squad
spec:
  targets:
    filter:
      kind: [component]
      tag: [node]
    dependency:
      name: log-lib
      below: 2.17.1
  steps:
    - type: bump-dependency
      dependency: log-lib
      to: 2.17.1
  change:
    title: "Upgrade log-lib in {{ entity.metadata.name }}"
  automerge:
    enabled: true
    requireChecks: false
    minHealthLevel: review-ready/reviewed
`;

describe('the health gate on Fleet Shift automerge', () => {
  it('merges only components at the minimum level and holds the others with the reason', async () => {
    const fleet = h.fleet!;
    await fleet.shifts.apply(HEALTH_ADMIN, { yaml: SHIFT });
    const settled = (t: { state: string; lastLog?: string }) =>
      t.state === 'merged' ||
      t.state === 'no-change' ||
      t.state.endsWith('failed') ||
      Boolean(t.lastLog?.startsWith('Auto-merge held'));
    const deadline = Date.now() + 90_000;
    let targets = (await fleet.shifts.targets('gated-bump', {})).items;
    while (targets.length === 0 || !targets.every(settled)) {
      if (Date.now() > deadline)
        throw new Error(`not settled: ${targets.map((t) => `${t.entityRef}=${t.state}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
      targets = (await fleet.shifts.targets('gated-bump', {})).items;
    }
    let merged = 0;
    let held = 0;
    for (const target of targets) {
      if (target.state === 'no-change' || target.state.endsWith('failed')) continue;
      const gate = await h.health.gate(target.entityRef, 'review-ready/reviewed');
      if (target.state === 'merged') {
        merged++;
        expect(gate.allowed).toBe(true);
      } else {
        held++;
        expect(gate.allowed).toBe(false);
        expect(target.lastLog).toMatch(/Auto-merge held: .* is below review-ready\/reviewed/);
      }
    }
    expect(merged).toBeGreaterThan(0);
    expect(held).toBeGreaterThan(0);
  });
});
