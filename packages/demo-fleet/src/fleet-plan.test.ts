import { describe, expect, it } from 'vitest';
import { buildDemoOrg } from './demo-org.js';
import { isVulnerableLogLibVersion, planFleet } from './fleet-plan.js';
import { componentDescriptor, repoFiles } from './repo-files.js';
import { danglingRefs, type LooseEntity, NAME_PATTERN } from './testing/descriptor-checks.js';

describe('planFleet', () => {
  it('plans a thousand repositories with unique names, every squad owning some, and no dangling references', () => {
    const org = buildDemoOrg({ size: 1000, seed: 2 });
    const plans = planFleet(org, { size: 1000, seed: 2 });
    expect(plans).toHaveLength(1000);
    expect(new Set(plans.map((p) => p.name)).size).toBe(1000);
    for (const plan of plans) expect(plan.name).toMatch(NAME_PATTERN);
    const owners = new Set(plans.map((p) => p.owner));
    for (const squad of org.squads) expect(owners.has(squad.name)).toBe(true);
    const d = org.descriptors;
    const entities = [
      ...d.groups,
      ...d.users,
      ...d.domains,
      ...d.systems,
      ...d.apis,
      ...d.resources,
      ...plans.map(componentDescriptor),
    ] as unknown as LooseEntity[];
    expect(danglingRefs(entities)).toEqual([]);
    const kinds = new Map<string, number>();
    for (const p of plans) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
    for (const kind of ['node-service', 'java-service', 'library', 'website', 'pipeline']) {
      expect(kinds.get(kind)).toBeGreaterThan(50);
    }
  });

  it('keeps the hand-written repositories first, so small fleets cover every kind', () => {
    const plans = planFleet(buildDemoOrg({ size: 5 }), { size: 5, seed: 1 });
    expect(new Set(plans.map((p) => p.kind))).toEqual(
      new Set(['node-service', 'java-service', 'library', 'website', 'pipeline']),
    );
    expect(plans[0]!.name).toBe('playback-service');
  });

  it('gives the first Node and Java services a vulnerable logging library whatever the seed', () => {
    for (const seed of [1, 2, 3]) {
      const plans = planFleet(buildDemoOrg({ size: 30, seed }), { size: 30, seed });
      expect(isVulnerableLogLibVersion(plans.find((p) => p.kind === 'node-service')!.versions.logLib!)).toBe(true);
      expect(isVulnerableLogLibVersion(plans.find((p) => p.kind === 'java-service')!.versions.log4j!)).toBe(true);
    }
  });

  it('writes tests, README and CODEOWNERS only when the plan says so', () => {
    const [plan] = planFleet(buildDemoOrg({ size: 1 }), { size: 1, seed: 1 });
    const bare = repoFiles({
      ...plan!,
      health: { readme: false, tests: false, codeowners: false, ci: false, docs: false },
    });
    expect(Object.keys(bare).filter((f) => /README|test|CODEOWNERS|workflows|docs\//.test(f))).toEqual([]);
    const full = repoFiles({ ...plan!, health: { readme: true, tests: true, codeowners: true, ci: true, docs: true } });
    expect(Object.keys(full)).toEqual(
      expect.arrayContaining([
        'README.md',
        'test/health.test.ts',
        '.github/CODEOWNERS',
        '.github/workflows/ci.yml',
        'docs/index.md',
      ]),
    );
  });
});

describe('isVulnerableLogLibVersion', () => {
  it('compares versions numerically against 2.17.1', () => {
    expect(isVulnerableLogLibVersion('2.14.1')).toBe(true);
    expect(isVulnerableLogLibVersion('2.17.0')).toBe(true);
    expect(isVulnerableLogLibVersion('^2.9.0')).toBe(true);
    expect(isVulnerableLogLibVersion('2.17.1')).toBe(false);
    expect(isVulnerableLogLibVersion('2.17.10')).toBe(false);
    expect(isVulnerableLogLibVersion('3.0.0')).toBe(false);
  });
});
