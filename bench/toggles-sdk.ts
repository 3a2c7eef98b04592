/**
 * Local evaluation speed: `isEnabled` of a flexibleRollout flag with one constraint, Backbeat's
 * toggles SDK against the `unleash-client` Node SDK (6.x), same flags, same contexts, same run.
 * Both clients are built offline from the same payload (a bootstrap), so neither makes a network
 * call. The SDK is imported through its
 * build output (`npm run build -w @backbeat/toggles-sdk` first).
 *
 *   npm run bench -- toggles-sdk                  # 5 rounds of 300,000 calls each
 *   npm run bench -- toggles-sdk --iterations=100000 --rounds=3 --no-record
 */
import { type ClientFeaturesResponse, compileFeatures, createTogglesClient, isEnabled } from '@backbeat/toggles-sdk';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { readArgs } from './support/args.js';
import { machineLine } from './support/machine.js';
import { report } from './support/results.js';
import { ratio } from './support/stats.js';

const args = readArgs();
const iterations = Number(args.value('iterations') ?? 300_000);
const rounds = Number(args.value('rounds') ?? 5);
if (!(iterations > 0) || !(rounds > 0)) throw new Error('--iterations and --rounds take positive numbers');

console.log(`Machine: ${machineLine()}`);

const FLAG = 'checkout.v2';
const payload: ClientFeaturesResponse = {
  version: 2,
  features: [
    {
      name: FLAG,
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '50', stickiness: 'default', groupId: FLAG },
          constraints: [{ contextName: 'tenant', operator: 'IN', values: ['acme', 'globex', 'initech'] }],
        },
      ],
    },
    // Other flags, so the lookup is not in a one-entry map.
    ...Array.from({ length: 49 }, (_, i) => ({
      name: `filler-${i}`,
      enabled: i % 2 === 0,
      strategies: [{ name: 'default' }],
    })),
  ],
};

// 1,024 rotating users; three tenants in four are targeted.
const tenants = ['acme', 'globex', 'initech', 'umbrella'];
const contexts = Array.from({ length: 1024 }, (_, i) => ({
  userId: `user-${i}`,
  appName: 'shop',
  environment: 'production',
  properties: { tenant: tenants[i % tenants.length]! },
}));

const backbeat = createTogglesClient({
  url: 'http://127.0.0.1:9',
  token: 'unused',
  appName: 'shop',
  environment: 'production',
  offline: true,
  bootstrap: payload,
});
await backbeat.ready(5000);
const compiled = compileFeatures(payload);

const unleash = new Unleash({
  url: 'http://127.0.0.1:9/api/',
  appName: 'shop',
  environment: 'production',
  refreshInterval: 0,
  disableMetrics: true,
  bootstrap: { data: payload.features as never },
  storageProvider: new InMemStorageProvider(),
  skipInstanceCountWarning: true,
});
unleash.on('error', () => {});
await new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('unleash-client did not load its bootstrap')), 5000);
  unleash.once('ready', () => {
    clearTimeout(timer);
    resolve();
  });
});

// Same answers first: a faster wrong answer would be worth nothing.
let on = 0;
for (const context of contexts) {
  const ours = backbeat.isEnabled(FLAG, context);
  const theirs = unleash.isEnabled(FLAG, context);
  if (ours !== theirs) throw new Error(`SDKs disagree for ${JSON.stringify(context)}: ${ours} vs ${theirs}`);
  if (isEnabled(compiled, FLAG, context) !== ours) throw new Error('evaluator and client disagree');
  if (ours) on++;
}
console.log(`Both SDKs agree on all ${contexts.length} contexts (${on} on).`);

const candidates: { name: string; run: (context: (typeof contexts)[number]) => boolean }[] = [
  { name: 'unleash-client 6.x `isEnabled` (baseline)', run: (c) => unleash.isEnabled(FLAG, c) },
  { name: 'Backbeat SDK client `isEnabled`', run: (c) => backbeat.isEnabled(FLAG, c) },
  { name: 'Backbeat evaluator `isEnabled(compiled, …)`', run: (c) => isEnabled(compiled, FLAG, c) },
];

let sink = 0;
function measure(run: (context: (typeof contexts)[number]) => boolean, count: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) if (run(contexts[i & 1023]!)) sink++;
  return Number(process.hrtime.bigint() - start) / count;
}

for (const candidate of candidates) measure(candidate.run, Math.min(iterations, 50_000));
// Rounds interleave the candidates so drifting machine load hits them alike.
const samples = candidates.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  candidates.forEach((candidate, i) => {
    samples[i]!.push(measure(candidate.run, iterations));
  });
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const nsPerOp = samples.map(median);
const baseline = nsPerOp[0]!;
console.log(`(checksum ${sink})`);

await backbeat.close();
unleash.destroy();

report({
  name: 'toggles-sdk',
  command: args.command,
  record: !args.has('no-record'),
  tables: [
    {
      title: `isEnabled: flexibleRollout 50% + one IN constraint, 1,024 rotating users, 50 flags (median of ${rounds} × ${iterations.toLocaleString('en-US')} calls)`,
      columns: ['implementation', 'ns/op', 'ops/s', 'speed vs unleash-client'],
      rows: candidates.map((candidate, i) => [
        candidate.name,
        nsPerOp[i]!.toFixed(0),
        Math.round(1e9 / nsPerOp[i]!).toLocaleString('en-US'),
        ratio(baseline, nsPerOp[i]!),
      ]),
    },
  ],
  notes: [
    'Both clients are built offline from the same bootstrap payload and answer identically for every context (checked before timing).',
    "Backbeat's client counts each call for metrics (only sending is off, as it is offline); unleash-client runs with disableMetrics, which also skips its counting, so the baseline does slightly less work. The evaluator row is the bare compiled evaluation without counting.",
    'Target: the SDK client at least 3× the ops/s of unleash-client.',
  ],
});
