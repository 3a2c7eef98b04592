import { describe, expect, it } from 'vitest';
import { useDemoBrowser } from './demo-browser.js';

describe('organisation pages in Chromium', () => {
  const demo = useDemoBrowser({ signIn: true });

  it('shows the reporting line with tribes and squads', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'Organisation' }).click();
    const tree = page.getByTestId('org-tree');
    await tree.waitFor();
    await tree.getByText('tribe', { exact: true }).first().waitFor();
    await tree.getByText('squad', { exact: true }).first().waitFor();
  });

  it("opens a squad's page with its members, parent trail and owned components", async () => {
    const { page } = demo.session;
    await page.getByTestId('org-tree').getByRole('link', { name: 'Playback', exact: true }).click();
    await page.waitForURL(/\/org\/default\/playback-squad$/);
    expect(await page.getByTestId('group-title').textContent()).toBe('Playback');

    const members = page.getByTestId('group-members').locator('li');
    await expect.poll(() => members.count()).toBeGreaterThan(0);
    await page.getByTestId('group-members').getByText('Maya Okafor').waitFor();

    const breadcrumb = await page.getByTestId('group-breadcrumb').textContent();
    expect(breadcrumb).toMatch(/Listening/);

    const ownedKinds = await page.getByTestId('group-owned').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(ownedKinds.map((k) => k.trim())).toContain('component');
  });

  it('follows an owned component to its entity page, whose owner links back', async () => {
    const { page } = demo.session;
    const owned = page.getByTestId('group-owned').locator('tbody tr').filter({ hasText: 'component' }).first();
    await owned.getByRole('link').click();
    await page.waitForURL(/\/catalog\/default\/component\//);
    await page.getByTestId('about-owner').getByRole('link').click();
    await page.waitForURL(/\/org\/default\/playback-squad$/);
  });

  it('raised no uncaught errors in the page', () => {
    expect(demo.session.pageErrors).toEqual([]);
  });
});
