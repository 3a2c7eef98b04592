// Regenerates the documentation screenshots from a real demo instance:
//   npx tsx packages/web/e2e/capture-screenshots.ts [outDir]
// Writes catalog.png and entity.png (plus the sign-in, org, group and audit views, the
// fleet list, the demo shift and one of its changes, and the tech health dashboard). The
// locations page is left out: it shows the temporary directory the demo runs in.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Entity } from '../src/features/catalog/catalog-api.js';
import { openBrowser, signInWithDemo, startDemoApp } from './harness.js';

const defaultOut = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../docs/images');
const outDir = resolve(process.argv[2] ?? defaultOut);
mkdirSync(outDir, { recursive: true });

const app = await startDemoApp();
const session = await openBrowser(app.baseUrl);
const { page } = session;
try {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Explore the demo' }).waitFor();
  await page.screenshot({ path: `${outDir}/sign-in.png` });

  await signInWithDemo(page);
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${outDir}/catalog.png` });

  // The component with the most relations makes the most telling picture.
  const response = await page.request.get('/api/catalog/entities/by-query?filter=kind=component&limit=500');
  const { items } = (await response.json()) as { items: Entity[] };
  const richest = [...items].sort((a, b) => (b.relations?.length ?? 0) - (a.relations?.length ?? 0))[0];
  if (!richest) throw new Error('The demo catalog has no components.');
  const path = `/catalog/${richest.metadata.namespace ?? 'default'}/component/${richest.metadata.name}`;
  await page.goto(`${path}?tab=relations`);
  await page.getByTestId('relations-graph').waitFor();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${outDir}/entity.png` });

  for (const [name, url] of [
    ['org', '/org'],
    ['group', '/org/default/playback-squad'],
    ['audit', '/audit'],
  ] as const) {
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${outDir}/${name}.png` });
  }
  // The demo previews the log-lib shift at start; wait until every target is planned.
  type Target = { id: string; state: string };
  let targets: Target[] = [];
  for (let i = 0; i < 120; i++) {
    const res = await page.request.get('/api/fleet/shifts/bump-log-lib/targets');
    targets = ((await res.json()) as { items: Target[] }).items;
    if (targets.length > 0 && targets.every((t) => t.state !== 'pending')) break;
    await page.waitForTimeout(500);
  }
  const planned = targets.find((t) => t.state === 'planned');
  for (const [name, url] of [
    ['fleet', '/fleet'],
    ['shift', '/fleet/bump-log-lib'],
    ...(planned ? ([['change', `/fleet/bump-log-lib/targets/${planned.id}`]] as const) : []),
  ] as const) {
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${outDir}/${name}.png`, fullPage: name !== 'fleet' });
  }
  // Tech health collects in jobs after the catalog is read: wait until every component is evaluated.
  const catalog = await page.request.get(
    '/api/catalog/entities/by-query?filter=kind=component&limit=1&totalItems=include',
  );
  const { totalItems } = (await catalog.json()) as { totalItems: number };
  for (let i = 0; i < 240; i++) {
    const res = await page.request.get('/api/health/groups/default/cadence-engineering/rollup');
    if (res.ok() && ((await res.json()) as { components: number }).components >= totalItems) break;
    await page.waitForTimeout(500);
  }
  await page.goto('/health');
  await page.getByTestId('health-checks').waitFor();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${outDir}/health.png`, fullPage: true });
  console.log(`Screenshots written to ${outDir}`);
} finally {
  await session.close();
  await app.stop();
}
