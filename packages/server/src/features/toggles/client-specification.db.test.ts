import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type Context, InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyUnleashClients } from './testing/destroy-unleash-clients.js';
import { startTogglesServer, type TogglesServer } from './testing/toggles-server.js';

const require = createRequire(import.meta.url);
const SPEC_DIR = join(dirname(require.resolve('@unleash/client-specification/package.json')), 'specifications');
const SPEC_FILES = JSON.parse(readFileSync(join(SPEC_DIR, 'index.json'), 'utf8')) as string[];

interface SpecTest {
  description: string;
  context: Context;
  toggleName: string;
  expectedResult: boolean;
}
interface SpecVariantTest {
  description: string;
  context: Context;
  toggleName: string;
  expectedResult: { name: string; enabled: boolean; feature_enabled?: boolean; payload?: unknown };
}
interface SpecFile {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: the specification's own JSON
  state: { features?: any[]; segments?: any[]; events?: any[] };
  tests?: SpecTest[];
  variantTests?: SpecVariantTest[];
}

/** Files 19 and 20 give their state as delta events; replay them into a client payload. */
// biome-ignore lint/suspicious/noExplicitAny: the specification's own JSON
function stateOf(spec: SpecFile): { features: any[]; segments: any[] } {
  if (!spec.state.events) return { features: spec.state.features ?? [], segments: spec.state.segments ?? [] };
  // biome-ignore lint/suspicious/noExplicitAny: the specification's own JSON
  const features = new Map<string, any>();
  // biome-ignore lint/suspicious/noExplicitAny: the specification's own JSON
  const segments = new Map<number, any>();
  for (const event of spec.state.events) {
    if (event.type === 'hydration') {
      features.clear();
      segments.clear();
      for (const f of event.features ?? []) features.set(f.name, f);
      for (const s of event.segments ?? []) segments.set(s.id, s);
    } else if (event.type === 'feature-updated') features.set(event.feature.name, event.feature);
    else if (event.type === 'feature-removed') features.delete(event.featureName);
    else if (event.type === 'segment-updated') segments.set(event.segment.id, event.segment);
    else if (event.type === 'segment-removed') segments.delete(event.segmentId);
  }
  return { features: [...features.values()], segments: [...segments.values()] };
}

/**
 * The Unleash client specification, end to end: each file's state goes into a
 * Backbeat project through the admin import, and the published `unleash-client`
 * evaluates every case against what Backbeat serves.
 */
describe('the Unleash client specification through unleash-client against Backbeat', () => {
  let server: TogglesServer;
  const clients: Unleash[] = [];
  const counts = { passed: 0, total: 0 };

  beforeAll(async () => {
    server = await startTogglesServer();
  });
  afterAll(async () => {
    await destroyUnleashClients(clients);
    await server?.close();
    console.info(`client specification through unleash-client: ${counts.passed} of ${counts.total} cases pass`);
  });

  for (const [index, file] of SPEC_FILES.entries()) {
    it(file, async () => {
      const spec = JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')) as SpecFile;
      const project = `spec-${String(index + 1).padStart(2, '0')}`;
      expect((await server.api('POST', '/api/toggles/projects', { key: project, name: spec.name })).status).toBe(201);
      const imported = await server.api(
        'PUT',
        `/api/toggles/projects/${project}/environments/production/import`,
        stateOf(spec),
      );
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      const token = (
        await server.api('POST', '/api/toggles/tokens', { name: project, project, environment: 'production' })
      ).body.token as string;

      const client = new Unleash({
        url: `${server.baseUrl}/api/`,
        appName: 'client-specification',
        instanceId: project,
        customHeaders: { Authorization: token },
        refreshInterval: 60_000,
        disableMetrics: true,
        storageProvider: new InMemStorageProvider(),
        skipInstanceCountWarning: true,
      });
      client.on('error', () => undefined);
      client.on('warn', () => undefined);
      clients.push(client);
      await once(client, 'synchronized');

      const failures: string[] = [];
      for (const test of spec.tests ?? []) {
        counts.total++;
        const actual = client.isEnabled(test.toggleName, test.context);
        if (actual === test.expectedResult) counts.passed++;
        else failures.push(`${test.description}: expected ${test.expectedResult}, got ${actual}`);
      }
      for (const test of spec.variantTests ?? []) {
        counts.total++;
        const variant = client.getVariant(test.toggleName, test.context);
        const actual = {
          name: variant.name,
          enabled: variant.enabled,
          ...(test.expectedResult.feature_enabled !== undefined ? { feature_enabled: variant.feature_enabled } : {}),
          ...(variant.payload ? { payload: variant.payload } : {}),
        };
        if (isDeepStrictEqual(actual, test.expectedResult)) {
          counts.passed++;
        } else {
          failures.push(
            `${test.description}: expected ${JSON.stringify(test.expectedResult)}, got ${JSON.stringify(actual)}`,
          );
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
