import { describe, expect, it } from 'vitest';
import { buildDemoOrg, DEMO_USER_REF } from './demo-org.js';
import {
  canonical,
  danglingRefs,
  inconsistentGroupTree,
  type LooseEntity,
  NAME_PATTERN,
  parseDescriptors,
  refOf,
  TAG_PATTERN,
} from './testing/descriptor-checks.js';
import { toYamlDocuments } from './yaml.js';

function orgEntities(size: number, seed = 1): LooseEntity[] {
  const d = buildDemoOrg({ size, seed }).descriptors;
  // Through YAML and back, as the catalog will read them.
  return parseDescriptors(
    toYamlDocuments([...d.groups, ...d.users, ...d.domains, ...d.systems, ...d.apis, ...d.resources]),
  );
}

function byType(entities: LooseEntity[], type: string): LooseEntity[] {
  return entities.filter((e) => e.kind === 'Group' && e.spec.type === type);
}

describe('buildDemoOrg', () => {
  const entities = orgEntities(30);

  it('has one department, three tribes, eight squads, two chapters, two guilds and forty people', () => {
    expect(byType(entities, 'department')).toHaveLength(1);
    expect(byType(entities, 'tribe')).toHaveLength(3);
    expect(byType(entities, 'squad')).toHaveLength(8);
    expect(byType(entities, 'chapter').map((g) => g.metadata.name)).toEqual(['backend-chapter', 'frontend-chapter']);
    expect(byType(entities, 'guild').map((g) => g.metadata.name)).toEqual(['security-guild', 'observability-guild']);
    expect(entities.filter((e) => e.kind === 'User')).toHaveLength(40);
    expect(entities.filter((e) => e.kind === 'Domain')).toHaveLength(2);
    expect(entities.filter((e) => e.kind === 'System')).toHaveLength(5);
  });

  it('has no dangling references and a consistent group tree', () => {
    expect(danglingRefs(entities)).toEqual([]);
    expect(inconsistentGroupTree(entities)).toEqual([]);
  });

  it('puts tribes under the department and squads under tribes', () => {
    const department = refOf(byType(entities, 'department')[0]!);
    for (const tribe of byType(entities, 'tribe'))
      expect(canonical(String(tribe.spec.parent), 'group')).toBe(department);
    const tribes = new Set(byType(entities, 'tribe').map(refOf));
    for (const squad of byType(entities, 'squad'))
      expect(tribes.has(canonical(String(squad.spec.parent), 'group'))).toBe(true);
  });

  it('makes every person a member of exactly one squad, and engineers of their chapter', () => {
    const squads = new Set(byType(entities, 'squad').map(refOf));
    const chapters = new Set(byType(entities, 'chapter').map(refOf));
    const users = entities.filter((e) => e.kind === 'User');
    for (const user of users) {
      const groups = (user.spec.memberOf as string[]).map((g) => canonical(g, 'group'));
      expect(groups.filter((g) => squads.has(g))).toHaveLength(1);
      expect(user.spec.profile).toMatchObject({ email: expect.stringMatching(/@cadence\.example$/) });
    }
    expect(
      users.filter((u) => (u.spec.memberOf as string[]).some((g) => chapters.has(canonical(g, 'group')))).length,
    ).toBeGreaterThan(20);
    expect(users.filter((u) => (u.spec.memberOf as string[]).includes('security-guild')).length).toBeGreaterThan(3);
  });

  it('exports a demo user who belongs to a squad', () => {
    const user = entities.find((e) => refOf(e) === DEMO_USER_REF);
    expect(user).toBeDefined();
    const squads = new Set(byType(entities, 'squad').map(refOf));
    expect((user!.spec.memberOf as string[]).some((g) => squads.has(canonical(g, 'group')))).toBe(true);
  });

  it('gives APIs a type and a non-empty inline definition, and resources a type', () => {
    const apis = entities.filter((e) => e.kind === 'API');
    expect(new Set(apis.map((a) => a.spec.type))).toEqual(new Set(['openapi', 'grpc', 'asyncapi']));
    for (const api of apis) {
      expect(typeof api.spec.definition).toBe('string');
      expect((api.spec.definition as string).length).toBeGreaterThan(50);
    }
    const resources = entities.filter((e) => e.kind === 'Resource');
    expect(new Set(resources.map((r) => r.spec.type))).toContain('database');
    expect(new Set(resources.map((r) => r.spec.type))).toContain('queue');
  });

  it('uses valid, unique names and tags', () => {
    const refs = entities.map(refOf);
    expect(new Set(refs).size).toBe(refs.length);
    for (const e of entities) {
      expect(e.apiVersion).toBe('backstage.io/v1alpha1');
      expect(e.metadata.name).toMatch(NAME_PATTERN);
      for (const tag of e.metadata.tags ?? []) expect(tag).toMatch(TAG_PATTERN);
    }
  });

  it('scales squads, tribes and people with the fleet size without dangling references', () => {
    const large = orgEntities(1000, 5);
    const squads = byType(large, 'squad');
    expect(squads.length).toBe(250);
    expect(large.filter((e) => e.kind === 'User')).toHaveLength(250 * 5);
    expect(byType(large, 'tribe').length).toBeGreaterThanOrEqual(3 + Math.ceil((250 - 8) / 5));
    expect(danglingRefs(large)).toEqual([]);
    expect(inconsistentGroupTree(large)).toEqual([]);
    const refs = large.map(refOf);
    expect(new Set(refs).size).toBe(refs.length);
    for (const e of large) expect(e.metadata.name).toMatch(NAME_PATTERN);
    // The core is the same at every size.
    expect(large.some((e) => refOf(e) === DEMO_USER_REF)).toBe(true);
  });

  it('is deterministic for a seed', () => {
    expect(buildDemoOrg({ size: 200, seed: 9 })).toEqual(buildDemoOrg({ size: 200, seed: 9 }));
    expect(buildDemoOrg({ size: 200, seed: 9 })).not.toEqual(buildDemoOrg({ size: 200, seed: 10 }));
  });
});
