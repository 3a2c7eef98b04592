import { describe, expect, it } from 'vitest';
import { useDemoBrowser } from './demo-browser.js';

describe('catalog in Chromium', () => {
  const demo = useDemoBrowser({ signIn: false });

  it("shows the server's reason when a password sign-in fails", async () => {
    const { page } = demo.session;
    await page.goto('/catalog');
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('Username').fill('nobody');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.trim().length).toBeGreaterThan(0);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('sends a signed-out visitor to sign-in and lets them in with the demo button', async () => {
    const { page } = demo.session;
    await page.goto('/catalog');
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByRole('button', { name: 'Explore the demo' }).click();
    await page.waitForURL(/\/catalog$/);
    await page.getByTestId('catalog-table').waitFor();
    expect(await page.getByTestId('current-user').textContent()).not.toBe('');
  });

  it('browses the catalog and narrows it with the kind facet', async () => {
    const { page } = demo.session;
    const total = page.getByTestId('catalog-total');
    await expect.poll(() => total.textContent()).toMatch(/^\d+ entit/);
    const before = Number.parseInt((await total.textContent()) ?? '', 10);

    const componentOption = page
      .getByTestId('facet-kind')
      .locator('label')
      .filter({ hasText: /^component\d+$/i });
    // The box follows the URL, which the router updates a moment after the click.
    await componentOption.locator('input').click();
    await page.waitForURL(/kind=component/i);
    await expect.poll(() => componentOption.locator('input').isChecked()).toBe(true);

    await expect.poll(async () => Number.parseInt((await total.textContent()) ?? '', 10)).toBeLessThan(before);
    const kinds = await page.getByTestId('catalog-table').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds.map((k) => k.trim().toLowerCase()))).toEqual(new Set(['component']));
  });

  it('searches the catalog table from the top bar when Enter is pressed without a pick', async () => {
    const { page } = demo.session;
    const search = page.getByTestId('global-search');
    await search.fill('playback');
    await search.press('Enter');
    await page.waitForURL(/\/catalog\?q=playback$/);
    await expect.poll(() => page.getByTestId('catalog-filter').inputValue()).toBe('playback');
    const names = page.getByTestId('catalog-table').locator('tbody tr');
    await expect.poll(() => names.count()).toBeGreaterThan(0);
    const total = Number.parseInt((await page.getByTestId('catalog-total').textContent()) ?? '', 10);
    expect(total).toBeLessThan(40);
    expect(page.url()).toContain('q=playback');
  });

  it('finds an entity with the top-bar search and opens it', async () => {
    const { page } = demo.session;
    await page.getByTestId('global-search').fill('playback');
    const componentHit = page
      .getByRole('option')
      .filter({ hasText: /component/i })
      .first();
    await componentHit.waitFor();
    await componentHit.click();
    await page.waitForURL(/\/catalog\/default\/component\/[^/?]+$/);
    const title = await page.getByTestId('entity-title').textContent();
    expect(title?.length).toBeGreaterThan(0);
    await page.getByRole('tab', { name: /Overview/ }).waitFor();
    await page.getByTestId('about-owner').waitFor();
  });

  it('draws the relations graph as SVG and navigates by clicking a node', async () => {
    const { page } = demo.session;
    const startUrl = page.url();
    await page.getByRole('tab', { name: /Relations/ }).click();
    const graph = page.getByTestId('relations-graph');
    await graph.waitFor();
    expect(await graph.evaluate((el) => el.tagName.toLowerCase())).toBe('svg');
    const nodes = graph.getByTestId('graph-node');
    await expect.poll(() => nodes.count()).toBeGreaterThan(1);

    const target = graph.locator('a[data-testid="graph-node"]').first();
    const targetRef = await target.getAttribute('data-entity-ref');
    expect(targetRef).toMatch(/^[a-z]+:[^/]+\/.+/);
    await target.click();
    await page.waitForURL((url) => url.toString() !== startUrl && url.pathname.startsWith('/catalog/'));
    const [kind, rest] = (targetRef ?? '').split(':');
    const [namespace, name] = (rest ?? '').split('/');
    expect(new URL(page.url()).pathname).toBe(`/catalog/${namespace}/${kind}/${name}`);
    await page.getByTestId('entity-title').waitFor();
  });

  it('shows the raw descriptor of an entity', async () => {
    const { page } = demo.session;
    await page.getByRole('tab', { name: /YAML/ }).click();
    await expect.poll(() => page.getByTestId('entity-yaml').textContent()).toMatch(/kind:/);
  });

  it('raised no uncaught errors in the page', () => {
    expect(demo.session.pageErrors).toEqual([]);
  });
});
