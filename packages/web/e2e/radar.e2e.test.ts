import { describe, expect, it } from 'vitest';
import { useDemoBrowser } from './demo-browser.js';

describe('Golden Tech radar in Chromium', () => {
  const demo = useDemoBrowser({ signIn: false });

  it('opens the radar from the navigation and draws a blip per entry', async () => {
    const { page } = demo.session;
    expect(demo.app.adminSignInPath).toBeDefined();
    await page.goto(demo.app.adminSignInPath ?? '/');
    await page.getByTestId('catalog-table').waitFor();
    await page.getByRole('link', { name: 'Tech radar' }).click();
    await page.waitForURL(/\/radar$/);
    await expect.poll(() => page.getByTestId('radar-title').textContent(), { timeout: 60_000 }).toBe('Golden Tech');
    const chart = page.getByTestId('radar-chart');
    await chart.waitFor();
    expect(await chart.getByTestId('radar-blip').count()).toBeGreaterThanOrEqual(15);
    expect(await chart.locator('[data-entry="log-lib"]').getAttribute('data-ring')).toBe('hold');
    // The demo fleet really uses log-lib: its legend line counts components.
    const legendLine = page.getByTestId('radar-legend-entry').filter({ hasText: 'log-lib' });
    expect(await legendLine.textContent()).toMatch(/[1-9]\d* components?/);
  });

  it('follows a blip to the drill-down: components, squads, versions and ring history', async () => {
    const { page } = demo.session;
    await page.getByTestId('radar-chart').locator('[data-entry="log-lib"]').click();
    await page.waitForURL(/\/radar\/golden-tech\/entries\/log-lib$/);
    expect(await page.getByTestId('entry-title').textContent()).toBe('log-lib');
    expect(await page.getByTestId('entry-ring').textContent()).toBe('hold');
    const rows = page.getByTestId('entry-component-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toMatch(/\d+\.\d+\.\d+/);
    expect(await page.getByTestId('entry-squads').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('entry-history').textContent()).toContain('demo radar');
  });

  it('lets an admin move an entry to another ring, recording why', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'Golden Tech' }).click();
    await page.getByTestId('radar-chart').locator('[data-entry="jest"]').click();
    await page.waitForURL(/\/entries\/jest$/);
    await page.getByTestId('move-ring').selectOption('hold');
    await page.getByTestId('move-reason').fill('New suites use Vitest');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await expect.poll(() => page.getByTestId('entry-ring').textContent()).toBe('hold');
    const latest = page.getByTestId('entry-history-item').first();
    expect(await latest.textContent()).toMatch(/assess\s*→\s*hold\s*New suites use Vitest/);
    await page.getByRole('link', { name: 'Golden Tech' }).click();
    await expect
      .poll(() => page.getByTestId('radar-chart').locator('[data-entry="jest"]').getAttribute('data-ring'))
      .toBe('hold');
  });

  it('rejects a broken definition with its line and field, and keeps the radar', async () => {
    const { page } = demo.session;
    await page.getByRole('button', { name: 'Edit radar' }).click();
    const yaml = page.getByTestId('radar-yaml');
    const text = await yaml.inputValue();
    await yaml.fill(text.replace('quadrant: tools\n      ring: adopt', 'quadrant: tools\n      ring: someday'));
    await page.getByRole('button', { name: 'Save radar' }).click();
    const errors = page.getByTestId('radar-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(/line \d+ spec\.entries\[\d+\]\.ring/);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('radar-chart').getByTestId('radar-blip').count(), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(15);
    expect(await page.getByTestId('radar-chart').locator('[data-entry="typescript"]').getAttribute('data-ring')).toBe(
      'adopt',
    );
  });

  it('raised no uncaught errors in the page', () => {
    expect(demo.session.pageErrors).toEqual([]);
  });
});
