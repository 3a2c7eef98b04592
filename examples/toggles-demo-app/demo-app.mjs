#!/usr/bin/env node
// A pretend checkout service: evaluates the demo's checkout flags for a stream of
// fake users with @backbeat/toggles-sdk and sends the SDK's metrics back, so the
// flag pages' exposure charts move. It also reports an error count per request to
// the impact endpoint, which rollout-plan guards read.
import { createTogglesClient } from '@backbeat/toggles-sdk';
import { checkClientToken, resolveClientToken } from './client-token.mjs';
import { fakeUsers } from './fake-users.mjs';

const settings = {
  url: (process.env.BACKBEAT_URL ?? 'http://localhost:7007').replace(/\/+$/, ''),
  clientToken: process.env.TOGGLES_TOKEN,
  tokenFile: process.env.TOGGLES_TOKEN_FILE,
  /** The demo server's data directory (relative to where `npm start` ran), where it writes its client token. */
  dataDir: process.env.BACKBEAT_DATA_DIR ?? '.backbeat',
  apiToken: process.env.BACKBEAT_TOKEN,
  project: process.env.TOGGLES_PROJECT ?? 'checkout',
  environment: process.env.TOGGLES_ENVIRONMENT ?? 'production',
  appName: process.env.TOGGLES_APP_NAME ?? 'checkout-web-demo',
  intervalMs: positive('EVALUATE_EVERY_MS', 300),
  usersPerTick: positive('USERS_PER_TICK', 5),
  metricsIntervalMs: positive('METRICS_EVERY_MS', 10_000),
  /** Share of requests that fail on the new checkout flow, so an error-rate guard has something to watch. */
  errorRate: fraction('NEW_FLOW_ERROR_RATE', 0.01),
};

function fraction(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(n >= 0 && n <= 1)) {
    console.error(`${name} must be a number from 0 to 1, not "${raw}"`);
    process.exit(2);
  }
  return n;
}

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a whole number above 0, not "${raw}"`);
    process.exit(2);
  }
  return n;
}

async function main() {
  const created = await resolveClientToken({
    url: settings.url,
    clientToken: settings.clientToken,
    tokenFile: settings.tokenFile,
    dataDir: settings.dataDir,
    apiToken: settings.apiToken,
    project: settings.project,
    environment: settings.environment,
    name: settings.appName,
  });
  const { token } = created;
  await checkClientToken({ url: settings.url, token, source: created.source });

  const toggles = createTogglesClient({
    url: settings.url,
    token,
    appName: settings.appName,
    metricsIntervalMs: settings.metricsIntervalMs,
    storage: false,
  });
  toggles.on('error', (error) => console.warn(`toggles: ${error.message}`));
  toggles.on('changed', ({ revisionId }) => console.log(`flags changed (revision ${revisionId ?? '?'})`));
  await toggles.ready(10_000);
  const names = toggles.features?.names() ?? [];
  console.log(
    `Evaluating ${names.length} flags of ${settings.project}/${settings.environment} at ${settings.url} ` +
      `for ${settings.usersPerTick} users every ${settings.intervalMs} ms, with the client token from ${created.source} (Ctrl+C stops).`,
  );

  const nextUser = fakeUsers();
  const tally = new Map();
  const impact = { requests: 0, errors: 0 };
  const tick = setInterval(() => {
    for (let i = 0; i < settings.usersPerTick; i++) {
      const context = nextUser();
      for (const name of toggles.features?.names() ?? []) {
        const variant = toggles.getVariant(name, context);
        const counts = tally.get(name) ?? { yes: 0, no: 0, variants: {} };
        if (variant.feature_enabled) counts.yes++;
        else counts.no++;
        if (variant.enabled) counts.variants[variant.name] = (counts.variants[variant.name] ?? 0) + 1;
        tally.set(name, counts);
        if (name === 'new-checkout-flow' && variant.feature_enabled) {
          impact.requests++;
          if (Math.random() < settings.errorRate) impact.errors++;
        }
      }
    }
  }, settings.intervalMs);

  const report = setInterval(() => {
    console.log(summary(tally));
    tally.clear();
    void sendImpact(token, impact);
  }, settings.metricsIntervalMs);

  const stop = async () => {
    clearInterval(tick);
    clearInterval(report);
    await toggles.close();
    await created.revoke?.();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** One line per flag: how many fake users got it since the last line, and which variants. */
function summary(tally) {
  const lines = [...tally.entries()].map(([name, c]) => {
    const total = c.yes + c.no;
    const share = total === 0 ? 0 : Math.round((c.yes / total) * 100);
    const variants = Object.entries(c.variants)
      .map(([v, n]) => `${v} ${n}`)
      .join(', ');
    return `  ${name.padEnd(28)} ${String(share).padStart(3)}% on (${c.yes}/${total})${variants ? `  ${variants}` : ''}`;
  });
  return `${new Date().toISOString().slice(11, 19)} evaluations sent:\n${lines.join('\n')}`;
}

let impactUnsupported = false;

/** Reports the new flow's requests and errors since the last report; servers without the endpoint are skipped. */
async function sendImpact(token, impact) {
  if (impactUnsupported || impact.requests === 0) return;
  const body = { flag: 'new-checkout-flow', appName: settings.appName, ...impact };
  impact.requests = 0;
  impact.errors = 0;
  try {
    const response = await fetch(`${settings.url}/api/toggles/impact`, {
      method: 'POST',
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status === 404) {
      // An older server without the endpoint, or a project without the flag: stop asking.
      impactUnsupported = true;
      console.warn(`impact report: 404 ${await response.text()}; impact is no longer sent`);
    } else if (!response.ok) console.warn(`impact report: ${response.status} ${await response.text()}`);
  } catch (error) {
    console.warn(`impact report: ${error.message}`);
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
