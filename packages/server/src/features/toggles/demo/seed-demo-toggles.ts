import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import type { Logger } from '../../../platform/logging.js';
import type { CatalogReader } from '../../catalog/index.js';
import { clientTokenDisplayPrefix } from '../model/client-token-text.js';
import type { Strategy } from '../model/flag-config.js';
import type { RolloutService } from '../rollouts/rollout-service.js';
import type { TogglesService } from '../service/toggles-service.js';

/** The demo project's key. */
export const DEMO_TOGGLES_PROJECT = 'checkout';

/**
 * Name of the file in the data directory that holds the demo's client token
 * (`checkout:production.<secret>`), for the demo app and SDK experiments.
 */
export const DEMO_TOGGLES_TOKEN_FILE = 'demo-toggles-client-token';

/** Name of the demo's client token in token lists. */
const DEMO_TOKEN_NAME = 'checkout-demo';

/** Demo components the checkout project prefers to link to, best first. */
const PREFERRED_COMPONENTS = ['checkout', 'subscription', 'payment', 'billing', 'payout', 'playback'];

const strategy = (name: string, rest: Partial<Strategy> = {}): Strategy => ({
  name,
  parameters: {},
  constraints: [],
  segments: [],
  variants: [],
  ...rest,
});

/**
 * The demo's feature toggles: a `checkout` project linked to a demo component,
 * with a flag mid-rollout at 25% (through a guarded rollout plan when `rollouts` is
 * given, so its timeline has something to show), a kill switch, an experiment with variants, a
 * flag targeted by constraints and one still dark, plus a client token scoped to
 * `checkout` in production. With `clientTokenFile`, the token's secret is written
 * there (readable by the owner only), so the demo app connects with a client token
 * instead of an admin one. The flags are made once (an existing project is left
 * alone); the token file is made again when it is missing or its token was revoked.
 *
 * @example
 * await seedDemoToggles({ toggles: toggles.service, catalog: catalog.reader, logger,
 *   clientTokenFile: join(dataDir, DEMO_TOGGLES_TOKEN_FILE) });
 */
export async function seedDemoToggles(input: {
  toggles: TogglesService;
  catalog: CatalogReader;
  logger: Logger;
  rollouts?: RolloutService;
  clientTokenFile?: string;
}): Promise<{ created: boolean }> {
  const { toggles, logger } = input;
  if ((await toggles.listProjects()).some((p) => p.key === DEMO_TOGGLES_PROJECT)) {
    await ensureDemoClientToken(toggles, input.clientTokenFile, logger);
    return { created: false };
  }
  const created = await createDemoProject(input);
  if (created) await ensureDemoClientToken(toggles, input.clientTokenFile, logger);
  return { created };
}

async function createDemoProject(input: {
  toggles: TogglesService;
  catalog: CatalogReader;
  logger: Logger;
  rollouts?: RolloutService;
}): Promise<boolean> {
  const { toggles, logger } = input;
  const components = await input.catalog.findEntities({ key: 'kind', match: { in: ['component'] } });
  const score = (name: string) => {
    const i = PREFERRED_COMPONENTS.findIndex((word) => name.includes(word));
    return i < 0 ? PREFERRED_COMPONENTS.length : i;
  };
  const component = [...components].sort((a, b) => score(a.metadata.name) - score(b.metadata.name))[0];
  const actor = SYSTEM_ACTOR;
  const p = DEMO_TOGGLES_PROJECT;
  const everywhere = ['development', 'staging', 'production'];
  try {
    await toggles.createProject(actor, {
      key: p,
      name: 'Checkout',
      description: 'Subscription checkout: new flows ship dark and roll out behind these flags.',
      ...(component
        ? { entityRef: `component:${component.metadata.namespace ?? 'default'}/${component.metadata.name}` }
        : {}),
    });

    await toggles.createFlag(actor, p, {
      name: 'new-checkout-flow',
      type: 'release',
      description: 'The one-page checkout',
    });
    for (const environment of everywhere) {
      const target = { project: p, flag: 'new-checkout-flow', environment };
      if (environment === 'production' && input.rollouts) {
        const plan = await input.rollouts.create(actor, target, {
          milestones: [5, 25, 50, 100],
          holdSeconds: 86_400,
          guards: [
            {
              kind: 'error-rate',
              name: 'checkout error rate',
              threshold: 0.05,
              windowMinutes: 10,
              minRequests: 100,
              action: 'rollback',
            },
          ],
          start: true,
        });
        await input.rollouts.advance(actor, plan.id);
        continue;
      }
      const percent = environment === 'production' ? 25 : 100;
      await toggles.setRollout(actor, { ...target, percent });
      await toggles.setEnabled(actor, { ...target, enabled: true });
    }

    await toggles.createFlag(actor, p, {
      name: 'payments-provider-fallback',
      type: 'kill-switch',
      description: 'Turn off to stop routing payments to the fallback provider',
    });
    for (const environment of everywhere) {
      const target = { project: p, flag: 'payments-provider-fallback', environment };
      await toggles.setStrategies(actor, { ...target, strategies: [strategy('default')] });
      await toggles.setEnabled(actor, { ...target, enabled: true });
    }

    await toggles.createFlag(actor, p, {
      name: 'pricing-page-layout',
      type: 'experiment',
      description: 'Which pricing layout converts best',
    });
    for (const environment of ['staging', 'production']) {
      const target = { project: p, flag: 'pricing-page-layout', environment };
      const parameters = { rollout: '100', stickiness: 'default', groupId: 'pricing-page-layout' };
      await toggles.setStrategies(actor, { ...target, strategies: [strategy('flexibleRollout', { parameters })] });
      await toggles.setVariants(actor, {
        ...target,
        variants: [
          {
            name: 'control',
            weight: 0,
            weightType: 'variable',
            stickiness: 'default',
            payload: { type: 'json', value: '{"columns":3}' },
          },
          {
            name: 'two-columns',
            weight: 0,
            weightType: 'variable',
            stickiness: 'default',
            payload: { type: 'json', value: '{"columns":2}' },
          },
        ],
      });
      await toggles.setEnabled(actor, { ...target, enabled: true });
    }

    await toggles.createFlag(actor, p, {
      name: 'family-plan',
      type: 'release',
      description: 'Family plan in the Nordics first, on app 4.2 and later',
    });
    const familyPlan = { project: p, flag: 'family-plan', environment: 'production' };
    const constraints = [
      { contextName: 'country', operator: 'IN', values: ['SE', 'NO', 'DK', 'FI'] },
      { contextName: 'appVersion', operator: 'SEMVER_GTE', value: '4.2.0' },
    ];
    await toggles.setStrategies(actor, { ...familyPlan, strategies: [strategy('default', { constraints })] });
    await toggles.setEnabled(actor, { ...familyPlan, enabled: true });

    await toggles.createFlag(actor, p, {
      name: 'gift-cards',
      type: 'release',
      description: 'Still dark: merged, not yet on',
    });

    logger.info({ project: p, component: component?.metadata.name }, 'demo toggles created');
    return true;
  } catch (error) {
    // The demo must start even if its toggles cannot be made.
    logger.warn({ err: (error as Error).message }, 'demo toggles could not be created');
    return false;
  }
}

/**
 * Makes the demo's client token unless a live one is there already: with a file,
 * the one whose secret the file holds; without, any live token of that name (its
 * secret then is not kept anywhere).
 */
async function ensureDemoClientToken(toggles: TogglesService, file: string | undefined, logger: Logger) {
  try {
    const live = (await toggles.listTokens(SYSTEM_ACTOR, DEMO_TOGGLES_PROJECT)).filter(
      (t) => !t.revokedAt && t.name === DEMO_TOKEN_NAME,
    );
    const kept = file && existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
    if (file ? kept && live.some((t) => t.displayPrefix === clientTokenDisplayPrefix(kept)) : live.length > 0) return;
    const { token } = await toggles.createToken(SYSTEM_ACTOR, {
      name: DEMO_TOKEN_NAME,
      type: 'client',
      project: DEMO_TOGGLES_PROJECT,
      environment: 'production',
    });
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    logger.info({ file }, 'demo toggles client token written');
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'demo toggles client token could not be made');
  }
}
