import { describe, expect, it } from 'vitest';
import { useDemoBrowser } from './demo-browser.js';

describe('Feature toggles in Chromium', () => {
  const demo = useDemoBrowser({ signIn: false });

  it('opens the demo checkout project from the navigation and searches its flags', async () => {
    const { page } = demo.session;
    expect(demo.app.adminSignInPath).toBeDefined();
    await page.goto(demo.app.adminSignInPath ?? '/');
    await page.getByTestId('catalog-table').waitFor();
    await page.getByRole('link', { name: 'Feature toggles' }).click();
    await page.waitForURL(/\/toggles/);
    await page.getByRole('heading', { name: 'Feature toggles' }).waitFor();
    // The demo seeds its toggles while it starts; the list refreshes by itself.
    const rows = page.getByTestId('flags-table').getByTestId('flag-row');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(5);
    expect(await page.getByTestId('project-picker').inputValue()).toBe('checkout');
    expect(await page.getByTestId('env-tab-production').getAttribute('aria-selected')).toBe('true');
    const flow = page.locator('[data-testid="flag-row"][data-flag="new-checkout-flow"]');
    expect(await flow.getAttribute('data-enabled')).toBe('true');
    expect(await flow.getByTestId('flag-rollout').textContent()).toBe('25%');
    expect(await page.locator('[data-flag="gift-cards"]').getAttribute('data-enabled')).toBe('false');

    await page.getByTestId('flag-search').fill('new-checkout');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId('env-tab-staging').click();
    await page.waitForURL(/env=staging/);
    expect(await flow.getByTestId('flag-rollout').textContent()).toBe('100%');
    await page.getByTestId('env-tab-production').click();
    await page.waitForURL(/env=production/);
  });

  it('opens a flag, shows the server error next to a bad rollout and saves a new percentage', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'new-checkout-flow' }).click();
    await page.waitForURL(/\/toggles\/checkout\/flags\/new-checkout-flow\?env=production$/);
    expect(await page.getByTestId('flag-title').textContent()).toBe('new-checkout-flow');
    expect(await page.getByTestId('switch-production').getAttribute('aria-checked')).toBe('true');
    const editor = page.getByTestId('strategy-editor');
    const rollout = editor.getByTestId('rollout-input');
    expect(await rollout.inputValue()).toBe('25');

    await rollout.fill('120');
    await editor.getByRole('button', { name: 'Save strategies' }).click();
    const error = editor.locator('[data-testid="field-error"][data-field="strategies[0].parameters.rollout"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('percentage');

    await rollout.fill('40');
    await editor.getByRole('button', { name: 'Save strategies' }).click();
    await expect
      .poll(() => page.locator('[data-testid="environment-row"][data-env="production"]').textContent())
      .toContain('40%');
    expect(await error.count()).toBe(0);
    const latest = page.getByTestId('history-entry').first();
    await expect.poll(() => latest.getAttribute('data-action')).toBe('strategies');
    expect(await latest.textContent()).toMatch(/production\s*strategies\s*25%\s*→\s*40%/);
  });

  it('kills the flag with a reason and shows it in the history and the list', async () => {
    const { page } = demo.session;
    await page.getByTestId('kill-switch').click();
    const form = page.getByTestId('kill-form');
    await expect.poll(() => form.getByTestId('kill-confirm').isDisabled()).toBe(true);
    await form.getByTestId('kill-reason').fill('checkout errors spiking');
    await form.getByTestId('kill-confirm').click();
    await expect.poll(() => page.getByTestId('switch-production').getAttribute('aria-checked')).toBe('false');
    expect(await page.getByTestId('switch-staging').getAttribute('aria-checked')).toBe('false');
    const latest = page.getByTestId('history-entry').first();
    await expect.poll(() => latest.getAttribute('data-action')).toBe('killed');
    expect(await latest.getByTestId('history-reason').textContent()).toContain('checkout errors spiking');
    expect(await latest.textContent()).toMatch(/production\s*switch\s*on\s*→\s*off/);
    // The rollout survives the kill: switching back on restores 40%.
    expect(await page.getByTestId('strategy-editor').getByTestId('rollout-input').inputValue()).toBe('40');

    await page.getByTestId('switch-production').click();
    await expect.poll(() => page.getByTestId('switch-production').getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => page.getByTestId('history-entry').first().getAttribute('data-action')).toBe('enabled');

    await page.getByRole('link', { name: 'checkout' }).click();
    await page.waitForURL(/\/toggles\?project=checkout&env=production$/);
    const flow = page.locator('[data-testid="flag-row"][data-flag="new-checkout-flow"]');
    await expect.poll(() => flow.getByTestId('flag-rollout').textContent()).toBe('40%');
    expect(await flow.getAttribute('data-enabled')).toBe('true');
    expect(demo.session.pageErrors).toEqual([]);
  });

  it('starts a rollout plan, shows its milestones and guard, and advances it by hand', async () => {
    const { page } = demo.session;
    await page.getByRole('link', { name: 'family-plan' }).click();
    await page.waitForURL(/\/flags\/family-plan\?env=production$/);
    const plan = page.getByTestId('rollout-plan');
    await plan.getByRole('button', { name: 'New rollout plan' }).click();
    const form = plan.getByTestId('create-plan');
    await form.getByTestId('plan-milestones-input').fill('10, 5');
    await form.getByRole('button', { name: 'Start plan' }).click();
    await expect.poll(() => form.textContent()).toMatch(/5 must be above the previous milestone 10/);

    await form.getByTestId('plan-milestones-input').fill('10, 50, 100');
    await form.getByRole('button', { name: 'Start plan' }).click();
    await expect.poll(() => plan.getByTestId('plan-status').textContent()).toBe('running');
    const milestones = plan.getByTestId('plan-milestones').locator('li');
    expect(await milestones.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')))).toEqual([
      'current',
      'pending',
      'pending',
    ]);
    expect(await plan.getByTestId('plan-guards').textContent()).toContain('error rate above 5%');
    await expect
      .poll(() => page.locator('[data-testid="environment-row"][data-env="production"]').textContent())
      .toContain('10%');

    await plan.getByRole('button', { name: 'Advance now' }).click();
    await expect
      .poll(() => milestones.evaluateAll((els) => els.map((el) => el.getAttribute('data-state'))))
      .toEqual(['reached', 'current', 'pending']);
    await expect
      .poll(() => page.locator('[data-testid="environment-row"][data-env="production"]').textContent())
      .toContain('50%');
    expect(await plan.getByTestId('plan-timeline').textContent()).toMatch(/milestone-reached\s*50\s*%/);
    expect(demo.session.pageErrors).toEqual([]);
  });

  it('turns a refused production change into a change request when the project needs approval', async () => {
    const { page } = demo.session;
    // Four-eyes has no page of its own yet: switch it on through the API, as the signed-in admin.
    const status = await page.evaluate(async () => {
      const response = await fetch('/api/toggles/projects/checkout/governance', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requireApproval: true }),
      });
      return response.status;
    });
    expect(status).toBe(200);
    await page.goto('/toggles/checkout/flags/gift-cards?env=production');
    await page.getByTestId('flag-title').waitFor();
    await page.getByTestId('switch-production').click();
    const request = page.getByTestId('request-approval');
    await request.waitFor();
    expect(await page.getByTestId('switch-production').getAttribute('aria-checked')).toBe('false');
    await request.getByLabel('Note for the approver').fill('gift cards go live in the Nordics');
    await request.getByRole('button', { name: 'Request approval' }).click();
    await page.getByTestId('change-requested').waitFor();
    const waiting = page.getByTestId('open-changes').getByTestId('open-change');
    await expect.poll(() => waiting.count()).toBe(1);
    expect(await waiting.textContent()).toMatch(/production\s*switch on.*gift cards go live in the Nordics.*pending/);

    // Nobody approves their own change; the requester may withdraw it.
    await waiting.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('open-changes').textContent()).toContain('cannot approve your own');
    await waiting.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => waiting.count()).toBe(0);
    expect(await page.getByTestId('switch-production').getAttribute('aria-checked')).toBe('false');
    expect(demo.session.pageErrors).toEqual([]);
  });
});
