import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDemoBrowser } from './demo-browser.js';

/** The demo user belongs to the Playback squad: an owner of its components, not of the others. */
const SQUAD = 'group:default/playback-squad';
const SERVICE = 'component:default/playback-service';

interface Rollup {
  components: number;
  entities?: { entityRef: string; ownerRef: string | null }[];
}

/**
 * The demo collects facts in jobs after the catalog is read: wait until every
 * component of the catalog is evaluated, so the numbers hold still while the tests read them.
 */
async function waitForHealth(page: Page): Promise<void> {
  const catalog = await page.request.get(
    '/api/catalog/entities/by-query?filter=kind=component&limit=1&totalItems=include',
  );
  const { totalItems } = (await catalog.json()) as { totalItems: number };
  expect(totalItems).toBeGreaterThan(5);
  await expect
    .poll(
      async () => {
        const res = await page.request.get('/api/health/groups/default/cadence-engineering/rollup');
        return res.ok() ? ((await res.json()) as Rollup).components : 0;
      },
      { timeout: 120_000, interval: 500 },
    )
    .toBe(totalItems);
}

const numberIn = async (page: Page, testId: string, label: string) => {
  const value = page.getByTestId(testId).locator(`[data-stat="${label}"] .stat-value`);
  return Number((await value.textContent())?.replace(/[^\d]/g, ''));
};

describe('tech health pages in Chromium', () => {
  const demo = useDemoBrowser({ signIn: true });

  it('opens the dashboard from the navigation: distribution, trends, checks, leaderboard and campaigns', async () => {
    const { page } = demo.session;
    await waitForHealth(page);
    await page.getByRole('link', { name: 'Tech health', exact: true }).click();
    await page.waitForURL(/\/health$/);
    expect(await page.getByTestId('health-title').textContent()).toBe('Tech health');
    expect(await page.getByTestId('health-group-picker').inputValue()).toBe('group:default/cadence-engineering');

    const components = await numberIn(page, 'health-stats', 'Components');
    expect(components).toBeGreaterThan(5);
    // The distribution bar's legend counts every component once.
    const counts = await page
      .getByTestId('health-distribution')
      .locator('[data-track="golden-state"] [data-testid="distribution-level"] strong')
      .allTextContents();
    expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(components);
    await page.getByTestId('certification-trend').first().waitFor();
    expect(await page.getByTestId('pass-rate-trend').getAttribute('aria-label')).toMatch(/now \d+%/);

    const checkRows = page.getByTestId('check-pass-rate-row');
    expect(await checkRows.count()).toBeGreaterThanOrEqual(10);
    // Lowest pass rate first.
    const rates = (await checkRows.getByTestId('pass-rate').allTextContents()).map((t) => Number(t.replace('%', '')));
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
    expect(await checkRows.first().getByTestId('sparkline').count()).toBe(1);

    const leaders = page.getByTestId('leaderboard-row');
    expect(await leaders.count()).toBeGreaterThan(1);
    expect(await page.locator(`[data-testid="leaderboard-row"][data-group="${SQUAD}"]`).count()).toBe(1);
    await page.locator('[data-testid="campaign-row"][data-campaign="patch-vulnerable-logging"]').waitFor();
  });

  it('rolls up one squad when picked', async () => {
    const { page } = demo.session;
    const squadComponents = Number(
      await page.locator(`[data-testid="leaderboard-row"][data-group="${SQUAD}"] td:nth-child(3)`).textContent(),
    );
    await page.getByTestId('health-group-picker').selectOption(SQUAD);
    await page.waitForURL(/group=group%3Adefault%2Fplayback-squad/);
    await expect.poll(() => numberIn(page, 'health-stats', 'Components')).toBe(squadComponents);
    expect(await page.getByTestId('leaderboard-row').count()).toBe(1);
  });

  it('opens a campaign: checks, deadline, burndown, per squad and the components still failing', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'Patch vulnerable logging libraries' }).click();
    await page.waitForURL(/\/health\/campaigns\/patch-vulnerable-logging$/);
    expect(await page.getByTestId('campaign-title').textContent()).toBe('Patch vulnerable logging libraries');
    expect(await page.getByTestId('campaign-deadline').textContent()).toMatch(/2027-03-31/);
    // Titles come with the definitions, which may arrive after the campaign.
    await expect
      .poll(() => page.getByTestId('campaign-check').first().textContent())
      .toContain('No vulnerable logging library');
    await page.getByTestId('campaign-burndown').waitFor();

    const failing = await numberIn(page, 'campaign-totals', 'Still failing');
    expect(failing).toBeGreaterThan(0);
    expect(await page.getByTestId('campaign-failing-row').count()).toBe(failing);
    const perSquad = await page.locator('[data-testid="campaign-squad-row"] td:nth-child(2)').allTextContents();
    expect(perSquad.map(Number).reduce((a, b) => a + b, 0)).toBe(failing);
    expect(await page.getByTestId('campaign-burndown').getAttribute('aria-label')).toBe(
      `Burndown: ${failing} components failing now`,
    );
  });

  it("follows a failing component of the demo user's squad to its Health tab, re-checks it and attests a manual check", async () => {
    const { page } = demo.session;
    // Playback's production service still declares an old log-lib in the demo fleet.
    const row = page.locator(`[data-testid="campaign-failing-row"][data-entity="${SERVICE}"]`);
    expect(await row.textContent()).toContain('playback-squad');
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/catalog\/default\/component\/playback-service\?tab=health$/);
    expect(await page.getByRole('tab', { name: 'Health' }).getAttribute('aria-selected')).toBe('true');

    const summary = page.locator('[data-testid="track-summary"][data-track="golden-state"]');
    await summary.waitFor();
    expect(await summary.getByTestId('track-next').textContent()).toMatch(/Next: \w+|Top level reached/);
    const card = page.locator('[data-testid="track-card"][data-track="golden-state"]');
    expect(await card.getByTestId('level-block').count()).toBe(3);
    // The campaign's check fails here, says why, and says how to fix it.
    const logging = page.locator('[data-testid="check-row"][data-check="no-vulnerable-logging"]');
    expect(await logging.getAttribute('data-status')).toBe('failed');
    expect(await logging.getByTestId('check-message').textContent()).toMatch(/log-lib/);
    expect(await logging.getByTestId('check-fix').textContent()).toMatch(/2\.17\.1/);

    await page.getByTestId('recheck').click();
    await expect.poll(() => page.getByTestId('recheck-report').textContent()).toMatch(/^Re-checked: /);

    const manual = page.locator('[data-testid="check-row"][data-check="disaster-recovery-tested"]');
    expect(await manual.getAttribute('data-status')).toBe('failed');
    await manual.getByRole('button', { name: 'Attest' }).click();
    await manual.getByTestId('attest-note').fill('Restored from last night’s backup in the game day');
    await manual.getByRole('button', { name: /^Attest for \d+ days$/ }).click();
    await expect.poll(() => manual.getAttribute('data-status')).toBe('passed');
    expect(await manual.getByTestId('attestation').textContent()).toMatch(
      /Attested passed by user:default\/maya\.okafor.*“Restored from last night’s backup in the game day”/,
    );
    expect(await manual.getByTestId('attestation-expiry').textContent()).toMatch(/expires in 1[78]\d days/);

    await page.getByTestId('level-history-chart').waitFor();
    expect(await page.getByTestId('level-change').count()).toBeGreaterThan(0);
    // The attestation holds after a reload: it is stored, not just shown.
    await page.reload();
    await expect.poll(() => manual.getAttribute('data-status')).toBe('passed');
  });

  it("shows another squad's component read-only, and no Health tab on a group", async () => {
    const { page } = demo.session;
    const res = await page.request.get('/api/health/groups/default/cadence-engineering/rollup?entities=true');
    const rollup = (await res.json()) as Rollup;
    const other = rollup.entities?.find((e) => e.ownerRef && e.ownerRef !== SQUAD);
    if (!other) throw new Error('the demo should have components of other squads');
    const name = other.entityRef.split('/')[1];
    await page.goto(`/catalog/default/component/${name}?tab=health`);
    await page.getByTestId('track-card').first().waitFor();
    expect(await page.getByTestId('recheck').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Attest/ }).count()).toBe(0);

    await page.goto('/catalog/default/group/playback-squad');
    await page.getByTestId('entity-title').waitFor();
    expect(await page.getByRole('tab', { name: 'Health' }).count()).toBe(0);
  });

  it("shows the squad's components with their level and pass rate on its team page", async () => {
    const { page } = demo.session;
    await page.goto('/org/default/playback-squad');
    const table = page.getByTestId('group-health-components');
    await table.waitFor();
    const res = await page.request.get('/api/health/groups/default/playback-squad/rollup?entities=true');
    const rollup = (await res.json()) as Rollup;
    const rows = table.getByTestId('group-health-row');
    expect(await rows.count()).toBe(rollup.components);
    const levels = await rows
      .getByTestId('group-health-level')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-level')));
    expect(levels.every((l) => ['none', 'bronze', 'silver', 'gold'].includes(l ?? ''))).toBe(true);
    expect(await rows.first().getByTestId('pass-rate').textContent()).toMatch(/^\d+%$/);

    await rows.first().getByRole('link').first().click();
    await page.waitForURL(/\/catalog\/default\/component\/[\w-]+\?tab=health$/);
    await page.getByTestId('health-tab').waitFor();

    await page.goto('/org/default/playback-squad');
    await page.getByTestId('group-health').getByRole('link', { name: 'Open in the health dashboard' }).click();
    await page.waitForURL(/\/health\?group=group%3Adefault%2Fplayback-squad$/);
    expect(await page.getByTestId('health-group-picker').inputValue()).toBe(SQUAD);
  });

  it('raised no uncaught errors in the page', () => {
    expect(demo.session.pageErrors).toEqual([]);
  });
});
