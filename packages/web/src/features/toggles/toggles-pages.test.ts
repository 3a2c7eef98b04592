import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import type { ChangeRequest, ProjectGovernance } from './changes-api.js';
import { FlagPage } from './flag-page.js';
import { FlagsPage } from './flags-page.js';
import { type GuardSeries, guardObservationsKey, planKey, type RolloutPlan } from './plans-api.js';
import {
  type Flag,
  type HistoryEntry,
  type MetricsRow,
  type Strategy,
  type ToggleEnvironment,
  type ToggleProject,
  togglesKeys,
} from './toggles-api.js';

const PROJECT: ToggleProject = {
  key: 'checkout',
  name: 'Checkout',
  description: 'Subscription checkout',
  entityRef: 'component:default/checkout-web',
  ownerRef: 'group:default/payments-squad',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const ENVIRONMENTS: ToggleEnvironment[] = [
  { key: 'development', name: 'Development', production: false, sortOrder: 0 },
  { key: 'production', name: 'Production', production: true, sortOrder: 2 },
];

const rollout = (percent: string): Strategy => ({
  name: 'flexibleRollout',
  parameters: { rollout: percent, stickiness: 'default', groupId: 'new-checkout-flow' },
  constraints: [{ contextName: 'appVersion', operator: 'SEMVER_GTE', value: '4.2.0' }],
  segments: [],
  variants: [],
});

const flag = (name: string, over: Partial<Flag> = {}): Flag => ({
  id: name,
  project: 'checkout',
  name,
  type: 'release',
  description: null,
  stale: false,
  impressionData: false,
  dependencies: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  archivedAt: null,
  environments: {
    development: { enabled: true, strategies: [], variants: [], updatedAt: null },
    production: { enabled: true, strategies: [rollout('25')], variants: [], updatedAt: '2026-01-01T01:00:00Z' },
  },
  ...over,
});

const FLAGS: Flag[] = [
  flag('new-checkout-flow', { description: 'The one-page checkout' }),
  flag('old-banner', {
    type: 'kill-switch',
    stale: true,
    environments: {
      development: { enabled: false, strategies: [], variants: [], updatedAt: null },
      production: { enabled: false, strategies: [], variants: [], updatedAt: null },
    },
  }),
];

const HISTORY: HistoryEntry[] = [
  {
    id: 'e2',
    at: '2026-01-01T02:00:00Z',
    type: 'toggle.updated',
    subject: 'toggle:checkout/new-checkout-flow',
    actor: { kind: 'user', id: 'u1', displayName: 'Jane Admin' },
    before: FLAGS[0],
    after: flag('new-checkout-flow', {
      environments: {
        ...(FLAGS[0] as Flag).environments,
        production: { enabled: false, strategies: [rollout('25')], variants: [], updatedAt: null },
      },
    }),
    data: { action: 'killed', environment: 'production', reason: 'errors spiking' },
  },
];

const METRICS: MetricsRow[] = [
  {
    flag: 'new-checkout-flow',
    environment: 'production',
    appName: 'a',
    hour: '2026-01-01T10:00:00Z',
    yes: 30,
    no: 70,
    variants: {},
  },
  {
    flag: 'new-checkout-flow',
    environment: 'production',
    appName: 'b',
    hour: '2026-01-01T10:00:00Z',
    yes: 5,
    no: 5,
    variants: { blue: 5, disabled: 5 },
  },
];

const PLAN: RolloutPlan = {
  id: 'p1',
  project: 'checkout',
  flag: 'new-checkout-flow',
  environment: 'production',
  milestones: [5, 25, 50, 100],
  holdSeconds: 3600,
  guards: [
    {
      kind: 'error-rate',
      name: 'checkout errors',
      threshold: 0.05,
      windowMinutes: 10,
      minRequests: 100,
      action: 'rollback',
    },
  ],
  status: 'running',
  currentIndex: 1,
  milestoneAt: '2026-01-01T01:00:00Z',
  nextAt: '2026-01-01T02:00:00Z',
  createdBy: 'user:default/jane',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T01:00:00Z',
  timeline: [
    {
      id: 't1',
      planId: 'p1',
      at: '2026-01-01T00:00:00Z',
      kind: 'milestone-reached',
      milestoneIndex: 0,
      percent: 5,
      actor: 'jane',
      detail: {},
    },
    {
      id: 't2',
      planId: 'p1',
      at: '2026-01-01T01:00:00Z',
      kind: 'milestone-reached',
      milestoneIndex: 1,
      percent: 25,
      actor: 'system',
      detail: {},
    },
  ],
};

const GUARD_SERIES: GuardSeries[] = [
  {
    index: 0,
    guard: 'checkout errors',
    kind: 'error-rate',
    threshold: 0.05,
    breachWhen: 'above',
    observations: [
      { at: '2026-01-01T01:00:00Z', state: 'ok', value: 0.01, threshold: 0.05, milestoneIndex: 1, detail: '' },
      { at: '2026-01-01T01:01:00Z', state: 'unavailable', value: null, threshold: 0.05, milestoneIndex: 1, detail: '' },
      { at: '2026-01-01T01:02:00Z', state: 'breached', value: 0.12, threshold: 0.05, milestoneIndex: 1, detail: '' },
    ],
  },
];

const PENDING: ChangeRequest = {
  id: 'c1',
  project: 'checkout',
  flag: 'old-banner',
  environment: 'production',
  change: { action: 'enable' },
  note: 'back on for the sale',
  status: 'pending',
  applyAt: null,
  requestedBy: 'user:default/jane',
  decidedBy: null,
  error: null,
  createdAt: '2026-01-01T03:00:00Z',
  updatedAt: '2026-01-01T03:00:00Z',
};

/** Renders a page at a path with the toggles queries already answered, as the server would. */
function render(
  path: string,
  pattern: string,
  page: () => ReactElement | null,
  governance: ProjectGovernance = { project: 'checkout', requireApproval: false, viewer: { canChange: true } },
): string {
  const client = new QueryClient();
  client.setQueryData(togglesKeys.projects(), [PROJECT]);
  client.setQueryData(togglesKeys.environments(), ENVIRONMENTS);
  client.setQueryData(togglesKeys.flags('checkout'), FLAGS);
  client.setQueryData(
    togglesKeys.stale(),
    new Map([['checkout/new-checkout-flow', [{ reason: 'no-evaluations', detail: 'not evaluated for 30 days' }]]]),
  );
  client.setQueryData(togglesKeys.flag('checkout', 'new-checkout-flow'), FLAGS[0]);
  client.setQueryData(togglesKeys.history('checkout', 'new-checkout-flow'), HISTORY);
  client.setQueryData(togglesKeys.metrics('checkout', 'new-checkout-flow', 'production'), METRICS);
  client.setQueryData(planKey('checkout', 'new-checkout-flow', 'production'), PLAN);
  client.setQueryData(guardObservationsKey(PLAN), GUARD_SERIES);
  client.setQueryData(togglesKeys.governance('checkout'), governance);
  client.setQueryData(togglesKeys.projectChanges('checkout'), [PENDING]);
  const router = createMemoryRouter([{ path: pattern, element: createElement(page) }], { initialEntries: [path] });
  return renderToString(createElement(QueryClientProvider, { client }, createElement(RouterProvider, { router })));
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('toggles pages', () => {
  it('lists the project flags in the production tab: switch, rollout, stale mark, links', () => {
    const html = render('/toggles', '/toggles', FlagsPage);
    expect(html).toMatch(/data-testid="env-tab-production"[^>]*>Production/);
    expect(html).toMatch(/aria-selected="true"[^>]*data-testid="env-tab-production"/);
    expect(html).toContain('href="/toggles/checkout/flags/new-checkout-flow?env=production"');
    const rows = html.split('data-testid="flag-row"').slice(1);
    expect(rows).toHaveLength(2);
    expect(text(rows[0] ?? '')).toMatch(/release on 25% 25% if 1 constraint/);
    expect(text(rows[1] ?? '')).toMatch(/old-banner stale 1 change waiting kill-switch off – nobody/);
    // Stale by the server's report, and stale by hand.
    expect(rows[0]).toMatch(/title="not evaluated for 30 days" data-testid="stale-marker"/);
    expect(rows[1]).toMatch(/title="marked stale" data-testid="stale-marker"/);
    // The pending change to old-banner in production marks its row only.
    expect(rows[1]).toMatch(/title="switch on \(pending\)" data-testid="waiting-marker"/);
    expect(text(rows[1] ?? '')).toContain('1 change waiting');
    expect(rows[0]).not.toContain('waiting-marker');
  });

  it('offers the four-eyes switch to owners and shows the project changes waiting, with links', () => {
    const html = render('/toggles', '/toggles', FlagsPage);
    const control = html.split('data-testid="project-governance"')[1]?.split('</section>')[0] ?? '';
    expect(control).toMatch(/role="switch" aria-checked="false"/);
    expect(control).not.toMatch(/disabled/);
    expect(text(control)).toContain('Off: owners change production directly.');
    const waiting = html.split('data-testid="project-changes"')[1] ?? '';
    expect(waiting).toContain('href="/toggles/checkout/flags/old-banner?env=production"');
    expect(text(waiting)).toMatch(
      /old-banner production switch on by user:default\/jane .*back on for the sale.* pending/,
    );
    expect(text(waiting)).toContain('Approve');
  });

  it('shows the four-eyes setting read-only to people who may not change it', () => {
    const html = render('/toggles', '/toggles', FlagsPage, {
      project: 'checkout',
      requireApproval: true,
      viewer: { canChange: false },
    });
    const control = html.split('data-testid="project-governance"')[1]?.split('</section>')[0] ?? '';
    expect(control).toMatch(/role="switch" aria-checked="true"[^>]*disabled=""/);
    expect(text(control)).toMatch(/On: production changes wait until another owner or an admin approves them/);
    expect(text(control)).toMatch(/Only admins and members of .*payments-squad.* may change this/);
  });

  it('filters the list by the search in the URL', () => {
    const html = render('/toggles?project=checkout&env=development&q=banner', '/toggles', FlagsPage);
    expect(html.match(/data-testid="flag-row"/g)).toHaveLength(1);
    expect(html).toContain('data-flag="old-banner"');
    expect(html).toMatch(/aria-selected="true"[^>]*data-testid="env-tab-development"/);
  });

  it('shows a flag: switches, the strategy editor, exposure, plan timeline and history with the kill reason', () => {
    const html = render('/toggles/checkout/flags/new-checkout-flow', '/toggles/:project/flags/:name', FlagPage);
    const plain = text(html);
    expect(html).toMatch(/role="switch" aria-checked="true"[^>]*data-testid="switch-production"/);
    expect(html).toMatch(/data-testid="rollout-input"[^>]*value="25"/);
    expect(html).toMatch(/data-testid="constraint-operator"/);
    expect(html).toMatch(/<option value="SEMVER_GTE" selected="">/);
    expect(html).toMatch(/data-testid="constraint-value"[^>]*value="4.2.0"/);
    expect(html).toContain('data-testid="kill-switch"');
    expect(html).toContain('aria-label="Exposure: 35 yes, 75 no"');
    expect(plain).toMatch(/32 ?% exposed/);
    expect(plain).toMatch(/Variants handed out: blue 5\b/);
    expect(html.match(/data-state="reached"/g)).toHaveLength(1);
    expect(html.match(/data-state="current"/g)).toHaveLength(1);
    expect(plain).toContain('error rate above 5% over 10 min');
    const chart = html.split('data-testid="guard-chart"')[1] ?? '';
    expect(chart).toContain('data-guard="checkout errors" data-breaches="1"');
    expect(chart).toContain('data-testid="guard-threshold"');
    expect(chart.match(/data-testid="guard-breach"/g)).toHaveLength(1);
    expect(text(chart)).toMatch(/3 readings threshold 5% breached once/);
    expect(text(chart)).toMatch(/1 could not be read/);
    expect(plain).toContain('Advance now');
    expect(plain).toMatch(/“ ?errors spiking ?”/);
    expect(plain).toMatch(/production switch on → off/);
  });
});
