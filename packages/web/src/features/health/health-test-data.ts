import type {
  Campaign,
  EntityHealth,
  EntityHistory,
  GroupCheckTrend,
  GroupRollup,
  HealthDefinition,
} from './health-api.js';

/** Answers of the health API as the server gives them, for the feature's unit tests. */
const check = (name: string, extra: Partial<Extract<HealthDefinition, { kind: 'Check' }>['spec']> = {}) =>
  ({ kind: 'Check', name, updatedAt: '', spec: { name, title: `Title of ${name}`, ...extra } }) as HealthDefinition;

export const DEFINITIONS: HealthDefinition[] = [
  check('has-readme', { fix: 'Add a README.' }),
  check('has-tests'),
  check('dr-tested', { manual: { expiresAfterDays: 180 } }),
  check('no-vulnerable-logging'),
  {
    kind: 'Track',
    name: 'golden-state',
    updatedAt: '',
    spec: {
      name: 'golden-state',
      title: 'Golden state',
      levels: [
        { name: 'bronze', title: 'Bronze', checks: ['has-readme'] },
        { name: 'silver', title: 'Silver', checks: ['has-tests', 'dr-tested'] },
        { name: 'gold', title: 'Gold', checks: [] },
      ],
    },
  },
];

export const HEALTH: EntityHealth = {
  entityRef: 'component:default/playback-api',
  ownerRef: 'group:default/playback-squad',
  evaluatedAt: '2026-03-01T00:00:00Z',
  certifications: [
    {
      track: 'golden-state',
      level: 'bronze',
      rank: 1,
      levels: [
        { name: 'bronze', title: 'Bronze', passed: true, failing: [] },
        { name: 'silver', title: 'Silver', passed: false, failing: ['has-tests', 'dr-tested'] },
        { name: 'gold', title: 'Gold', passed: true, failing: [] },
      ],
    },
  ],
  results: [
    { check: 'has-readme', status: 'passed', message: 'Has a README: passed.' },
    { check: 'has-tests', status: 'failed', message: 'No test files found.', fix: 'Add tests.' },
    { check: 'dr-tested', status: 'failed', message: 'Not attested yet' },
    { check: 'no-vulnerable-logging', status: 'failed', message: 'Declares log-lib below 2.17.1.' },
    { check: 'not-defined-any-more', status: 'passed', message: 'ok' },
  ],
  facts: {},
  viewer: { canChange: true },
};

export const HISTORY: EntityHistory = {
  entityRef: 'component:default/playback-api',
  certifications: [
    { track: 'golden-state', level: null, rank: 0, at: '2026-02-20T00:00:00Z' },
    { track: 'golden-state', level: 'bronze', rank: 1, at: '2026-02-25T00:00:00Z' },
  ],
  results: [],
};

const DAYS = ['2026-02-27', '2026-02-28', '2026-03-01'];

export const ROLLUP: GroupRollup = {
  group: { ref: 'group:default/cadence-engineering', title: 'Cadence Engineering', type: 'department' },
  components: 4,
  checks: [
    { check: 'has-readme', title: 'Has a README', passed: 3, failed: 1, notApplicable: 0, passRate: 0.75 },
    { check: 'has-tests', title: 'Has tests', passed: 1, failed: 3, notApplicable: 0, passRate: 0.25 },
  ],
  tracks: [
    {
      track: 'golden-state',
      title: 'Golden state',
      distribution: [
        { level: null, title: 'Not certified', count: 1 },
        { level: 'bronze', title: 'Bronze', count: 2 },
        { level: 'silver', title: 'Silver', count: 1 },
        { level: 'gold', title: 'Gold', count: 0 },
      ],
      trend: DAYS.map((day, i) => ({ day, counts: { none: 3 - i, bronze: i, silver: 1, gold: 0 } })),
    },
  ],
  leaderboard: [
    {
      group: 'group:default/playback-squad',
      title: 'Playback',
      type: 'squad',
      components: 2,
      score: 50,
      passRate: 0.8,
    },
    { group: 'group:default/search-squad', title: 'Search', type: 'squad', components: 2, score: 16.7, passRate: 0.4 },
  ],
  entities: [
    {
      entityRef: 'component:default/search-indexer',
      ownerRef: 'group:default/search-squad',
      certifications: [{ track: 'golden-state', level: null, rank: 0 }],
      passed: 2,
      failed: 3,
      passRate: 0.4,
    },
    {
      entityRef: 'component:default/playback-api',
      ownerRef: 'group:default/playback-squad',
      certifications: [{ track: 'golden-state', level: 'silver', rank: 2 }],
      passed: 4,
      failed: 1,
      passRate: 0.8,
    },
  ],
};

/** Before any result was recorded: the charts start after it. */
const EMPTY_DAY = { day: '2026-02-26', passed: 0, failed: 0, passRate: null };

export const CHECK_TREND: GroupCheckTrend = {
  group: ROLLUP.group,
  overall: [EMPTY_DAY, ...DAYS.map((day, i) => ({ day, passed: 2 + i, failed: 6 - i, passRate: (2 + i) / 8 }))],
  checks: [
    {
      check: 'has-readme',
      title: 'Has a README',
      trend: [EMPTY_DAY, ...DAYS.map((day, i) => ({ day, passed: 1 + i, failed: 3 - i, passRate: (1 + i) / 4 }))],
    },
    {
      check: 'has-tests',
      title: 'Has tests',
      trend: [EMPTY_DAY, ...DAYS.map((day) => ({ day, passed: 1, failed: 3, passRate: 0.25 }))],
    },
  ],
};

export const CAMPAIGN: Campaign = {
  name: 'patch-vulnerable-logging',
  title: 'Patch vulnerable logging libraries',
  description: 'Every component off log-lib below 2.17.1.',
  checks: ['no-vulnerable-logging'],
  start: '2026-02-27',
  deadline: '2099-03-31',
  totals: { components: 5, passing: 2, failing: 3 },
  bySquad: [
    {
      group: 'group:default/search-squad',
      title: 'Search',
      failing: 2,
      total: 2,
      burndown: DAYS.map((day) => ({ day, failing: 2 })),
    },
    {
      group: 'group:default/playback-squad',
      title: 'Playback',
      failing: 1,
      total: 3,
      burndown: DAYS.map((day, i) => ({ day, failing: 3 - i })),
    },
  ],
  burndown: DAYS.map((day, i) => ({ day, failing: 5 - i })),
  failing: [
    {
      entityRef: 'component:default/search-indexer',
      ownerRef: 'group:default/search-squad',
      checks: ['no-vulnerable-logging'],
    },
  ],
};
