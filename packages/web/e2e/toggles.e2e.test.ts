import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

  it('charts the guard readings of the demo plan against the threshold, live, and marks the breach', async () => {
    const { page } = demo.session;
    // The demo keeps a client token for its demo app; services report impact with it.
    const tokenFile = join(demo.app.dataDir, 'demo-toggles-client-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const clientToken = readFileSync(tokenFile, 'utf8').trim();
    expect(clientToken).toMatch(/^checkout:production\./);
    const report = async (errors: number, requests: number) => {
      const response = await fetch(`${demo.app.baseUrl}/api/toggles/impact`, {
        method: 'POST',
        headers: { authorization: clientToken, 'content-type': 'application/json' },
        body: JSON.stringify({ flag: 'new-checkout-flow', appName: 'e2e-checkout', errors, requests }),
      });
      expect(response.status).toBe(202);
    };
    const rollouts = demo.app.backbeat.toggles.rollouts;
    const plan = await rollouts.current({ project: 'checkout', flag: 'new-checkout-flow', environment: 'production' });
    expect(plan?.status).toBe('running');
    const planId = plan?.id as string;

    // 1 error in 150 requests: 0.67 %, well under the 5 % threshold.
    await report(1, 150);
    expect((await rollouts.tick(planId)).status).toBe('running');
    await page.goto('/toggles/checkout/flags/new-checkout-flow?env=production');
    const chart = page.locator('[data-testid="guard-chart"][data-guard="checkout error rate"]');
    await chart.waitFor();
    expect(await chart.getByTestId('guard-threshold').count()).toBe(1);
    expect(await chart.getByTestId('guard-legend').textContent()).toContain('threshold 5%');
    expect(await chart.getByTestId('guard-last').textContent()).toMatch(/^0\.667% at/);
    expect(await chart.getAttribute('data-breaches')).toBe('0');

    // 41 errors in 300 requests: 13.7 %. The plan's next tick breaches and rolls back to 5 %;
    // the open page follows without a reload.
    await report(40, 150);
    expect((await rollouts.tick(planId)).status).toBe('paused');
    await expect.poll(() => chart.getAttribute('data-breaches'), { timeout: 15_000 }).toBe('1');
    expect(await chart.getByTestId('guard-breach').count()).toBe(1);
    expect(await chart.getByTestId('guard-last').textContent()).toMatch(/^13\.7% at .*, breached$/);
    expect(await chart.getByTestId('guard-legend').textContent()).toContain('breached once');
    const plan2 = page.getByTestId('rollout-plan');
    await expect.poll(() => plan2.getByTestId('plan-status').textContent()).toBe('paused');
    expect(await plan2.getByTestId('plan-timeline').textContent()).toMatch(/guard-breached.*error rate 13\.67 %/);
    await expect
      .poll(() => page.locator('[data-testid="environment-row"][data-env="production"]').textContent())
      .toContain('5%');
    expect(demo.session.pageErrors).toEqual([]);
  });

  it('lets an owner switch four-eyes on, holds a production change for a second person, who approves it', async () => {
    const { page } = demo.session;
    await page.goto('/toggles?project=checkout&env=production');
    const governance = page.getByTestId('project-governance');
    const fourEyes = governance.getByTestId('four-eyes-switch');
    await fourEyes.waitFor();
    expect(await fourEyes.getAttribute('aria-checked')).toBe('false');
    expect(await fourEyes.isDisabled()).toBe(false);
    await fourEyes.click();
    await expect.poll(() => fourEyes.getAttribute('aria-checked')).toBe('true');
    expect(await governance.getByTestId('four-eyes-state').textContent()).toMatch(/^On: production changes wait/);
    // The change is audited with who, before and after.
    const audit = await page.evaluate(async () => {
      const response = await fetch('/api/audit?type=toggle.project.governance&subject=toggle-project:checkout');
      return (await response.json()) as { items: { before: unknown; after: unknown; actor: { isAdmin?: boolean } }[] };
    });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      before: { requireApproval: false },
      after: { requireApproval: true },
    });

    await page.getByRole('link', { name: 'gift-cards' }).click();
    await page.waitForURL(/\/flags\/gift-cards\?env=production$/);
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
    // Nobody approves their own change.
    await waiting.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('open-changes').textContent()).toContain('cannot approve your own');

    // A second person: a member of the squad that owns the project, with an account the admin makes.
    const reviewer = await page.evaluate(async () => {
      const project = await (await fetch('/api/toggles/projects/checkout')).json();
      const [, namespace, name] = /^group:([^/]+)\/(.+)$/.exec(project.ownerRef) ?? [];
      const group = await (await fetch(`/api/catalog/entities/by-name/group/${namespace}/${name}`)).json();
      const member = group.relations.find((r: { type: string }) => r.type === 'hasMember')?.targetRef;
      const created = await fetch('/api/auth/accounts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'reviewer', userRef: member, password: 'a-long-reviewer-password' }),
      });
      return { status: created.status, member, ownerRef: project.ownerRef as string };
    });
    expect(reviewer.status).toBe(201);
    expect(reviewer.member).toMatch(/^user:/);

    const second = await demo.session.browser.newContext({ baseURL: demo.app.baseUrl });
    try {
      const other = await second.newPage();
      // The demo user is not in the owning squad: the setting shows, but only owners and admins may change it.
      expect((await other.request.post('/api/auth/demo', { data: {} })).status()).toBe(200);
      await other.goto('/toggles?project=checkout&env=production');
      const readOnly = other.getByTestId('project-governance').getByTestId('four-eyes-switch');
      await readOnly.waitFor();
      expect(await readOnly.getAttribute('aria-checked')).toBe('true');
      expect(await readOnly.isDisabled()).toBe(true);
      expect(await other.getByTestId('four-eyes-who').textContent()).toMatch(/Only admins and members of/);

      const signIn = await other.request.post('/api/auth/sign-in', {
        data: { username: 'reviewer', password: 'a-long-reviewer-password' },
      });
      expect(signIn.status()).toBe(200);
      await other.goto('/toggles?project=checkout&env=production');
      // The project's list shows what waits, with a link to the flag.
      const pending = other.getByTestId('project-changes').getByTestId('open-change');
      await expect.poll(() => pending.count()).toBe(1);
      expect(await pending.textContent()).toMatch(/gift-cards\s*production\s*switch on.*pending/);
      await pending.getByRole('button', { name: 'Approve' }).click();
      await expect.poll(() => pending.count()).toBe(0);
      await expect
        .poll(() => other.locator('[data-testid="flag-row"][data-flag="gift-cards"]').getAttribute('data-enabled'))
        .toBe('true');
    } finally {
      await second.close();
    }

    // The requester's page follows within its refresh: the change applied, nothing waits.
    await expect
      .poll(() => page.getByTestId('switch-production').getAttribute('aria-checked'), { timeout: 15_000 })
      .toBe('true');
    await expect.poll(() => waiting.count(), { timeout: 15_000 }).toBe(0);
    // The history has the switch applied by the approver, and the change request's own entries.
    const enabled = page.locator('[data-testid="history-entry"][data-action="enabled"]');
    await expect.poll(() => enabled.count(), { timeout: 15_000 }).toBe(1);
    expect(await enabled.textContent()).toMatch(/production\s*by reviewer/);
    expect(await page.locator('[data-testid="history-entry"][data-action="toggle.change.approved"]').count()).toBe(1);
    expect(demo.session.pageErrors).toEqual([]);
  });
});
