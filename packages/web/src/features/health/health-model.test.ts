import { describe, expect, it } from 'vitest';
import type { GroupRollup } from './health-api.js';
import {
  attestationExpiry,
  certifiedShare,
  dashboardGroups,
  daysUntil,
  deadlineLabel,
  deadlineTone,
  formatPercent,
  levelChanges,
  levelColour,
  otherChecks,
  trackViews,
  trendLayers,
} from './health-model.js';
import { DEFINITIONS, HEALTH } from './health-test-data.js';

describe('trackViews', () => {
  it('lists each level with its checks and results, the level reached and what the next needs', () => {
    const [golden] = trackViews(HEALTH, DEFINITIONS);
    expect(golden).toMatchObject({
      track: 'golden-state',
      title: 'Golden state',
      level: 'bronze',
      levelTitle: 'Bronze',
    });
    expect(golden?.levels.map((l) => [l.name, l.reached, l.passed])).toEqual([
      ['bronze', true, true],
      ['silver', false, false],
      ['gold', false, true],
    ]);
    const silver = golden?.levels[1];
    expect(silver?.checks.map((c) => [c.check, c.title, c.status])).toEqual([
      ['has-tests', 'Title of has-tests', 'failed'],
      ['dr-tested', 'Title of dr-tested', 'failed'],
    ]);
    expect(silver?.checks[1]?.manual).toEqual({ expiresAfterDays: 180 });
    expect(silver?.checks[0]?.fix).toBe('Add tests.');
    expect(golden?.next?.title).toBe('Silver');
    expect(golden?.next?.failing.map((c) => c.check)).toEqual(['has-tests', 'dr-tested']);
  });

  it('says "Not certified" at rank 0 and has no next level at the top', () => {
    const none = trackViews(
      { ...HEALTH, certifications: [{ ...HEALTH.certifications[0]!, level: null, rank: 0 }] },
      DEFINITIONS,
    )[0];
    expect(none?.levelTitle).toBe('Not certified');
    expect(none?.next?.name).toBe('bronze');
    const top = trackViews(
      { ...HEALTH, certifications: [{ ...HEALTH.certifications[0]!, level: 'gold', rank: 3 }] },
      DEFINITIONS,
    )[0];
    expect(top?.levelTitle).toBe('Gold');
    expect(top?.next).toBeNull();
  });

  it('falls back to the failing checks when the track is no longer defined, and marks checks not evaluated', () => {
    const [view] = trackViews(HEALTH, []);
    expect(view?.title).toBe('golden-state');
    expect(view?.levels[1]?.checks.map((c) => c.check)).toEqual(['has-tests', 'dr-tested']);
    const noResults = trackViews({ ...HEALTH, results: [] }, DEFINITIONS)[0];
    expect(noResults?.levels[0]?.checks[0]?.status).toBeUndefined();
    expect(noResults?.levels[0]?.checks[0]?.message).toBe('Not evaluated yet.');
    // The definition's fix shows even before a result carries one.
    expect(noResults?.levels[0]?.checks[0]?.fix).toBe('Add a README.');
  });
});

describe('otherChecks', () => {
  it('lists results outside every track, failures first', () => {
    expect(otherChecks(HEALTH, DEFINITIONS).map((c) => [c.check, c.status])).toEqual([
      ['no-vulnerable-logging', 'failed'],
      ['not-defined-any-more', 'passed'],
    ]);
  });
});

describe('levelChanges', () => {
  it('turns history rows into moves per track, newest first', () => {
    const changes = levelChanges({
      entityRef: 'component:default/x',
      results: [],
      certifications: [
        { track: 'golden-state', level: null, rank: 0, at: '2026-03-01T00:00:00Z' },
        { track: 'golden-state', level: 'silver', rank: 2, at: '2026-03-03T00:00:00Z' },
        { track: 'other', level: 'one', rank: 1, at: '2026-03-02T00:00:00Z' },
        { track: 'golden-state', level: 'bronze', rank: 1, at: '2026-03-04T00:00:00Z' },
      ],
    });
    expect(changes.map((c) => [c.track, c.from, c.to, c.first, c.up])).toEqual([
      ['golden-state', 'silver', 'bronze', false, false],
      ['golden-state', null, 'silver', false, true],
      ['other', null, 'one', true, true],
      ['golden-state', null, null, true, false],
    ]);
  });
});

describe('formatting', () => {
  it('formats rates, with a dash for nothing counted', () => {
    expect([2 / 3, 0, 1, null, undefined].map(formatPercent)).toEqual(['67%', '0%', '100%', '—', '—']);
  });

  it('counts days to a deadline on UTC calendar days, and says how far it is', () => {
    const now = Date.parse('2026-03-01T23:30:00Z');
    expect(daysUntil('2026-03-02', now)).toBe(1);
    expect(daysUntil('2026-03-01', now)).toBe(0);
    expect(deadlineLabel('2026-03-11', now)).toBe('in 10 days');
    expect(deadlineLabel('2026-03-02', now)).toBe('in 1 day');
    expect(deadlineLabel('2026-03-01', now)).toBe('due today');
    expect(deadlineLabel('2026-02-26', now)).toBe('3 days overdue');
    expect([deadlineTone('2026-02-26', now), deadlineTone('2026-03-10', now), deadlineTone('2026-06-01', now)]).toEqual(
      ['danger', 'warn', 'neutral'],
    );
  });

  it('says when an attestation expires, or that it has', () => {
    const attestation = {
      status: 'passed' as const,
      by: 'u',
      at: '2026-01-01T00:00:00Z',
      expiresAt: '2026-03-11T12:00:00Z',
    };
    expect(attestationExpiry(attestation, Date.parse('2026-03-01T00:00:00Z'))).toEqual({
      expired: false,
      label: 'expires in 10 days',
    });
    expect(attestationExpiry(attestation, Date.parse('2026-03-12T00:00:00Z'))).toEqual({
      expired: true,
      label: 'expired 1 day ago',
    });
  });

  it('colours bronze, silver and gold by name, other levels by rank, and grey for none', () => {
    expect(levelColour('Gold', 3)).toBe('#d2a106');
    expect(levelColour(null, 0)).toBe(levelColour('bronze', 0));
    expect(levelColour('reviewed', 1)).not.toBe(levelColour('approved', 2));
  });
});

describe('roll-up helpers', () => {
  const track: GroupRollup['tracks'][number] = {
    track: 'golden-state',
    title: 'Golden state',
    distribution: [
      { level: null, title: 'Not certified', count: 1 },
      { level: 'bronze', title: 'Bronze', count: 3 },
    ],
    trend: [
      { day: '2026-03-01', counts: { none: 4 } },
      { day: '2026-03-02', counts: { none: 1, bronze: 3 } },
    ],
  };

  it('computes the certified share and the trend layers per level', () => {
    expect(certifiedShare(track.distribution)).toBe(0.75);
    expect(certifiedShare([])).toBeNull();
    expect(trendLayers(track)).toEqual([
      { key: 'none', title: 'Not certified', rank: 0, values: [4, 1] },
      { key: 'bronze', title: 'Bronze', rank: 1, values: [0, 3] },
    ]);
  });

  it('offers the reporting line in the group picker, the root department first', () => {
    const { options, defaultRef } = dashboardGroups([
      {
        entityRef: 'group:default/b-squad',
        name: 'b-squad',
        type: 'squad',
        parentRef: 'group:default/tribe',
        memberCount: 1,
        ownedCount: 1,
      },
      {
        entityRef: 'group:default/tribe',
        name: 'tribe',
        title: 'Tribe',
        type: 'tribe',
        parentRef: 'group:default/dept',
        memberCount: 0,
        ownedCount: 0,
      },
      { entityRef: 'group:default/backend', name: 'backend', type: 'chapter', memberCount: 3, ownedCount: 0 },
      {
        entityRef: 'group:default/dept',
        name: 'dept',
        title: 'Engineering',
        type: 'department',
        memberCount: 0,
        ownedCount: 0,
      },
    ]);
    expect(defaultRef).toBe('group:default/dept');
    expect(options.map((o) => o.ref)).toEqual(['group:default/dept', 'group:default/tribe', 'group:default/b-squad']);
    expect(options[0]).toMatchObject({ label: 'Engineering', root: true });
  });
});
