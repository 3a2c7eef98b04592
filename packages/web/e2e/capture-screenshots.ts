// Regenerates the documentation screenshots from a real demo instance:
//   npx tsx packages/web/e2e/capture-screenshots.ts [outDir]
// Writes catalog.png and entity.png (plus the sign-in, org, group and audit views). The
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
  console.log(`Screenshots written to ${outDir}`);
} finally {
  await session.close();
  await app.stop();
}
