import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useDemoBrowser } from './demo-browser.js';

const BUMP_LOG_LIB = readFileSync(new URL('../../../examples/shifts/bump-log-lib.yaml', import.meta.url), 'utf8');

// A spec the server must reject, naming the line and field of the unknown step type.
const BROKEN = `apiVersion: backbeat.dev/v1
kind: Shift
metadata:
  name: e2e-broken
  owner: group:default/developer-experience-squad
spec:
  targets:
    filter:
      kind: [component]
  steps:
    - type: no-such-step
`;

describe('Fleet Shift in Chromium', () => {
  const demo = useDemoBrowser({ signIn: false });

  it('signs in as the admin and opens the fleet page from the navigation', async () => {
    const { page } = demo.session;
    expect(demo.app.adminSignInPath).toBeDefined();
    await page.goto(demo.app.adminSignInPath ?? '/');
    await page.getByTestId('catalog-table').waitFor();
    await page.getByRole('link', { name: 'Fleet' }).click();
    await page.waitForURL(/\/fleet$/);
    await page.getByRole('heading', { name: 'Fleet Shift' }).waitFor();
  });

  it('rejects an invalid spec with its line and field, and creates nothing', async () => {
    const { page } = demo.session;
    await page.getByRole('button', { name: 'Apply shift' }).click();
    const form = page.getByTestId('apply-shift');
    await form.getByTestId('shift-yaml').fill(BROKEN);
    await form.getByRole('button', { name: 'Preview' }).click();
    const errors = form.getByTestId('spec-errors');
    await errors.waitFor();
    const text = (await errors.textContent()) ?? '';
    expect(text).toMatch(/line \d+/);
    expect(text).toContain('spec.steps');
    expect(new URL(page.url()).pathname).toBe('/fleet');
    expect(await page.getByTestId('shift-row').filter({ hasText: 'e2e-broken' }).count()).toBe(0);
  });

  it('previews the log-lib bump and shows each planned target', async () => {
    const { page } = demo.session;
    const form = page.getByTestId('apply-shift');
    await form.getByTestId('shift-yaml').fill(BUMP_LOG_LIB);
    await form.getByRole('button', { name: 'Preview' }).click();
    await page.waitForURL(/\/fleet\/bump-log-lib$/);
    await expect.poll(() => page.getByTestId('shift-title').textContent()).toBe('bump-log-lib');
    await page.getByText('preview: nothing is published').waitFor();

    const rows = page.getByTestId('targets-table').getByTestId('target-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // The page refreshes itself while the shift is active: targets reach planned without a reload.
    await expect
      .poll(() => page.locator('[data-testid="target-row"][data-state="planned"]').count(), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await page.getByTestId('burndown-chart').waitFor();
    expect(await page.getByTestId('shift-totals').textContent()).toMatch(/planned\d+/);
  });

  it('filters the targets by state', async () => {
    const { page } = demo.session;
    await page.getByTestId('target-state-filter').selectOption('planned');
    await page.waitForURL(/state=planned/);
    const rows = page.getByTestId('targets-table').getByTestId('target-row');
    await expect
      .poll(async () => new Set(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')))))
      .toEqual(new Set(['planned']));
    await page.getByTestId('target-filter').fill('no-such-repository-anywhere');
    await page.getByText('No targets match.').waitFor();
    await page.getByTestId('target-filter').fill('');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
  });

  it('opens a planned target and shows its diff with the bumped version added', async () => {
    const { page } = demo.session;
    const row = page.locator('[data-testid="target-row"][data-state="planned"]').first();
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/fleet\/bump-log-lib\/targets\/[^/]+$/);
    await page.getByTestId('target-title').waitFor();
    expect(await page.getByTestId('target-state').textContent()).toBe('planned');
    const diff = page.getByTestId('diff-view');
    await diff.waitFor();
    expect(await diff.getByTestId('diff-file').count()).toBeGreaterThan(0);
    const added = await diff.locator('tr[data-diff-kind="add"]').allTextContents();
    expect(added.some((line) => line.includes('2.17.1'))).toBe(true);
    expect((await diff.locator('tr[data-diff-kind="remove"]').allTextContents()).length).toBeGreaterThan(0);
    // A preview publishes nothing, so there is nothing to merge.
    expect(await page.getByTestId('merge-button').isDisabled()).toBe(true);
    await page.getByTestId('target-history').waitFor();
  });

  it('pauses and resumes the shift', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'bump-log-lib' }).click();
    await page.waitForURL(/\/fleet\/bump-log-lib$/);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('shift-state').textContent()).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByTestId('shift-state').textContent()).toBe('active');
  });

  it('lists the shift with its progress on the fleet page', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'Fleet', exact: true }).first().click();
    const row = page.getByTestId('shift-row').filter({ hasText: 'bump-log-lib' });
    await row.waitFor();
    expect(await row.getByRole('progressbar').count()).toBe(1);
    expect(await row.textContent()).toContain('preview');
  });

  it('raised no uncaught errors in the page', () => {
    expect(demo.session.pageErrors).toEqual([]);
  });
});
