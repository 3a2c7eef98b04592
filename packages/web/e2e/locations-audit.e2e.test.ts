import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useDemoBrowser } from './demo-browser.js';
import { createGitRepo, openBrowser } from './harness.js';

const WIDGET = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: e2e-widget
  description: A widget registered from the browser.
spec:
  type: service
  lifecycle: experimental
  owner: playback-squad
`;

// A descriptor the catalog must reject, naming the file and line.
const BROKEN = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: not a valid name!
spec:
  type: service
  lifecycle: experimental
  owner: playback-squad
`;

describe('locations and audit log in Chromium', () => {
  const demo = useDemoBrowser({ signIn: true });

  it('lists the demo locations with their last refresh and entity counts', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'Locations' }).click();
    const rows = page.getByTestId('locations-table').getByTestId('location-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);

    const refreshed = await page.getByTestId('location-last-refresh').allTextContents();
    expect(refreshed.every((text) => !text.includes('never'))).toBe(true);
    expect(refreshed.some((text) => /ago|now/.test(text))).toBe(true);

    const entityCounts = await rows.locator('td:nth-child(6)').allTextContents();
    expect(entityCounts.map(Number).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('previews a location before registering it and shows the server error for a bad one', async () => {
    const { page } = demo.session;
    await page.getByRole('button', { name: 'Register a location' }).click();
    const form = page.getByTestId('register-location');
    await form.getByLabel('Repository').fill(`${demo.app.dataDir}/does-not-exist`);
    await form.getByRole('button', { name: 'Preview' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(0);
    expect(await form.getByRole('button', { name: 'Register' }).isDisabled()).toBe(true);
  });

  it('shows the audit log and filters it by event type', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'Audit log' }).click();
    const rows = page.getByTestId('audit-table').getByTestId('audit-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);

    await page.getByTestId('audit-type-filter').fill('no-such-event-type.');
    await page.getByText('No events.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
  });

  it('lets an admin preview, register, refresh and delete a location', async () => {
    expect(demo.app.adminSignInPath).toBeDefined();
    const repo = createGitRepo({ 'catalog-info.yaml': WIDGET, 'broken.yaml': BROKEN });
    const admin = await openBrowser(demo.app.baseUrl);
    try {
      const { page } = admin;
      await page.goto(demo.app.adminSignInPath ?? '/');
      await page.getByTestId('catalog-table').waitFor();
      await page.getByRole('link', { name: 'Locations' }).click();
      await page.getByRole('button', { name: 'Register a location' }).click();

      const form = page.getByTestId('register-location');
      await form.getByLabel('Repository').fill(repo);
      await form.getByLabel('Path or glob').fill('*.yaml');
      await form.getByRole('button', { name: 'Preview' }).click();
      // The preview names the broken file; registering anyway still reads the good one.
      const problems = form.getByRole('alert');
      await problems
        .getByText(/broken\.yaml/)
        .first()
        .waitFor();
      await form.getByRole('button', { name: 'Register anyway' }).click();
      await form.waitFor({ state: 'detached' });
      const row = page.getByTestId('location-row').filter({ hasText: 'backbeat-e2e-repo-' });
      await row.waitFor();
      await expect.poll(() => row.locator('td:nth-child(6)').textContent(), { timeout: 30_000 }).toBe('1');

      // The broken descriptor shows up as an error with its file, without stopping the good one.
      await expect.poll(() => row.locator('td:nth-child(7)').textContent()).toMatch(/^[1-9]/);
      await row.getByRole('button', { name: 'Show errors' }).click();
      const errors = page.getByTestId('location-errors');
      await errors
        .getByText(/broken\.yaml/)
        .first()
        .waitFor();

      await row.getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(() => row.getByRole('button', { name: 'Refresh' }).isEnabled()).toBe(true);

      await page.goto('/catalog/default/component/e2e-widget');
      await page.getByTestId('entity-title').waitFor();

      await page.goto('/locations');
      page.once('dialog', (dialog) => dialog.accept());
      await row.getByRole('button', { name: 'Delete' }).click();
      await row.waitFor({ state: 'detached' });
      expect(admin.pageErrors).toEqual([]);
    } finally {
      await admin.close();
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('raised no uncaught errors in the page', () => {
    expect(demo.session.pageErrors).toEqual([]);
  });
});
