import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import type { OrgTreeItem } from '../org/org-api.js';
import { CampaignPage } from './campaign-page.js';
import { EntityHealthTab, recheckSummary } from './entity-health-tab.js';
import { GroupHealth } from './group-health.js';
import { type EntityHealth, healthKeys } from './health-api.js';
import { HealthDashboardPage } from './health-dashboard-page.js';
import { CAMPAIGN, CHECK_TREND, DEFINITIONS, HEALTH, HISTORY, ROLLUP } from './health-test-data.js';

const ENTITY = { kind: 'component', namespace: 'default', name: 'playback-api' };
const DEPARTMENT = 'group:default/cadence-engineering';
const ORG: OrgTreeItem[] = [
  {
    entityRef: 'group:default/playback-squad',
    name: 'playback-squad',
    title: 'Playback',
    type: 'squad',
    parentRef: DEPARTMENT,
    memberCount: 3,
    ownedCount: 2,
  },
  {
    entityRef: DEPARTMENT,
    name: 'cadence-engineering',
    title: 'Cadence Engineering',
    type: 'department',
    memberCount: 0,
    ownedCount: 0,
  },
];

/** Renders a page at a path with the health queries already answered, as the server would. */
function render(path: string, pattern: string, page: () => ReactElement | null, health: EntityHealth = HEALTH): string {
  const client = new QueryClient();
  client.setQueryData(healthKeys.definitions(), DEFINITIONS);
  client.setQueryData(healthKeys.entity(ENTITY), health);
  client.setQueryData(healthKeys.history(ENTITY), HISTORY);
  client.setQueryData(healthKeys.rollup(DEPARTMENT, false), ROLLUP);
  client.setQueryData(healthKeys.rollup('group:default/playback-squad', true), ROLLUP);
  client.setQueryData(healthKeys.checkTrend(DEPARTMENT), CHECK_TREND);
  client.setQueryData(healthKeys.campaigns(), [CAMPAIGN]);
  client.setQueryData(healthKeys.campaign(CAMPAIGN.name), CAMPAIGN);
  client.setQueryData(['org', 'tree'], ORG);
  const router = createMemoryRouter([{ path: pattern, element: createElement(page) }], { initialEntries: [path] });
  return renderToString(createElement(QueryClientProvider, { client }, createElement(RouterProvider, { router })));
}

const text = (html: string) =>
  html
    .replace(/<!-- -->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
const rowsOf = (html: string, testId: string) => html.split(`data-testid="${testId}"`).slice(1);

describe('the Health tab of an entity', () => {
  const tab = (health?: EntityHealth) =>
    render('/e', '/e', () => createElement(EntityHealthTab, { entity: ENTITY }), health);

  it('shows the level per track and the next one, each level’s checks with message and fix', () => {
    const html = tab();
    const plain = text(html);
    expect(html).toMatch(/data-testid="track-summary" data-track="golden-state"/);
    expect(plain).toMatch(/Golden state Bronze Next: Silver — fix 2 checks/);
    const levels = rowsOf(html, 'level-block');
    expect(levels.map((l) => l.match(/data-level="(\w+)" data-reached="(\w+)"/)?.slice(1))).toEqual([
      ['bronze', 'true'],
      ['silver', 'false'],
      ['gold', 'false'],
    ]);
    const tests = rowsOf(html, 'check-row').find((r) => r.includes('data-check="has-tests"')) ?? '';
    expect(tests).toContain('data-status="failed"');
    expect(text(tests)).toMatch(/failed Title of has-tests No test files found\. How to fix: Add tests\./);
    // A passing check does not nag with its fix.
    const readme = rowsOf(html, 'check-row').find((r) => r.includes('data-check="has-readme"')) ?? '';
    expect(readme).not.toContain('check-fix');
    // Checks outside the track are listed apart.
    expect(text(html)).toMatch(/Other checks failed Title of no-vulnerable-logging/);
  });

  it('offers owners the re-check and the attestation of a manual check, and hides both from others', () => {
    const html = tab();
    expect(html).toContain('data-testid="recheck"');
    const manual = rowsOf(html, 'check-row').find((r) => r.includes('data-check="dr-tested"')) ?? '';
    expect(text(manual)).toMatch(/manual .*Not attested yet; an attestation lasts 180 days\. Attest/);
    const readOnly = tab({ ...HEALTH, viewer: { canChange: false } });
    expect(readOnly).not.toContain('data-testid="recheck"');
    expect(text(rowsOf(readOnly, 'check-row').find((r) => r.includes('data-check="dr-tested"')) ?? '')).not.toMatch(
      /Attest\b(?! yet)/,
    );
  });

  it('shows an attestation with who, the note and when it expires', () => {
    // Noon of the hundredth day from today (UTC): the label counts calendar days, so
    // "now + 100 days + 1 hour" would read 101 days late in the evening.
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const expiresAt = new Date(today + 100 * 86_400_000 + 12 * 3_600_000).toISOString();
    const attested: EntityHealth = {
      ...HEALTH,
      results: HEALTH.results.map((r) =>
        r.check === 'dr-tested'
          ? {
              ...r,
              status: 'passed',
              message: 'Attested',
              attestation: {
                status: 'passed',
                by: 'user:default/maya',
                at: new Date().toISOString(),
                expiresAt,
                note: 'restored',
              },
            }
          : r,
      ),
    };
    const row = rowsOf(tab(attested), 'check-row').find((r) => r.includes('data-check="dr-tested"')) ?? '';
    expect(text(row)).toMatch(/Attested passed by user:default\/maya .* expires in 100 days · “restored” Attest again/);
  });

  it('draws the certification history and lists its moves', () => {
    const html = tab();
    expect(html).toContain('data-testid="level-history-chart"');
    const changes = rowsOf(html, 'level-change').map(text);
    expect(changes[0]).toMatch(/Golden state: Not certified → Bronze ▲/i);
    expect(changes[1]).toMatch(/Golden state: first evaluated: not certified/);
  });

  it('sums up a re-check report', () => {
    expect(
      recheckSummary({
        collection: { entities: 1, collected: 1, unchanged: 0, changed: 1, errors: [] },
        evaluation: { entities: 1, changed: 1, levelChanges: 1 },
      }),
    ).toBe('Re-checked: 1 fact set changed, 1 level moved.');
    expect(recheckSummary({ queued: true })).toMatch(/Queued/);
  });
});

describe('the team view', () => {
  it('lists each component with its level per track and pass rate, linking to its Health tab', () => {
    const html = render('/t', '/t', () => createElement(GroupHealth, { groupRef: 'group:default/playback-squad' }));
    const rows = rowsOf(html, 'group-health-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('href="/catalog/default/component/search-indexer?tab=health"');
    expect(rows[0]).toContain('data-level="none"');
    expect(text(rows[0] ?? '')).toMatch(/search-indexer search-squad Not certified 40%/);
    expect(text(rows[1] ?? '')).toMatch(/playback-api playback-squad Silver 80%/);
    expect(html).toContain('href="/health?group=group%3Adefault%2Fplayback-squad"');
  });
});

describe('the tech health dashboard', () => {
  it('rolls up the department by default: distribution, trends, checks, leaderboard and campaigns', () => {
    const html = render('/health', '/health', HealthDashboardPage);
    const plain = text(html);
    expect(html).toMatch(/<option value="group:default\/cadence-engineering" selected="">Cadence Engineering/);
    expect(plain).toMatch(/4 Components 75% certified on Golden state 50% checks passing/);
    expect(html).toMatch(/aria-label="Golden state: 1 Not certified, 2 Bronze, 1 Silver, 0 Gold"/);
    expect(html).toContain('data-testid="certification-trend"');
    expect(html).toMatch(/aria-label="Pass rate over 3 days, now 50%"/);
    // Lowest pass rate first, each with its 30-day sparkline.
    expect(rowsOf(html, 'check-pass-rate-row').map((r) => r.match(/data-check="([\w-]+)"/)?.[1])).toEqual([
      'has-tests',
      'has-readme',
    ]);
    expect(html).toMatch(/aria-label="Has a README: 25% to 75%"/);
    const leaders = rowsOf(html, 'leaderboard-row').map(text);
    expect(leaders[0]).toMatch(/1 Playback squad 2 50 80%/);
    expect(rowsOf(html, 'leaderboard-row')[0]).toContain('href="/org/default/playback-squad"');
    const campaign = rowsOf(html, 'campaign-row')[0] ?? '';
    expect(campaign).toContain('href="/health/campaigns/patch-vulnerable-logging"');
    expect(text(campaign)).toMatch(/Patch vulnerable logging libraries .* 2099-03-31 in \d+ days 3 40%/);
  });
});

describe('the campaign page', () => {
  it('shows checks, deadline, burndown, per squad and the components still failing', () => {
    const html = render('/health/campaigns/patch-vulnerable-logging', '/health/campaigns/:name', CampaignPage);
    const plain = text(html);
    expect(plain).toMatch(/Patch vulnerable logging libraries/);
    expect(plain).toMatch(/Deadline 2099-03-31 in \d+ days/);
    expect(plain).toMatch(/5 Components concerned 2 Passing 3 Still failing 2 Squads with work left/);
    expect(text(rowsOf(html, 'campaign-check')[0] ?? '')).toMatch(/Title of no-vulnerable-logging/);
    expect(html).toMatch(/aria-label="Burndown: 3 components failing now"/);
    const squads = rowsOf(html, 'campaign-squad-row');
    expect(text(squads[0] ?? '')).toMatch(/Search 2 2 0%/);
    expect(text(squads[1] ?? '')).toMatch(/Playback 1 3 67%/);
    expect(squads[1]).toMatch(/aria-label="Playback: 1 failing now"/);
    expect(rowsOf(html, 'campaign-failing-row')[0]).toContain(
      'href="/catalog/default/component/search-indexer?tab=health"',
    );
  });
});
