import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Backbeat, createBackbeat } from '../../server/src/main.js';
import { loadConfig } from '../../server/src/platform/config.js';
import { silentLogger } from '../../server/src/platform/logging.js';

const webDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const repoRoot = resolve(webDir, '../..');
export const webDistDir = join(webDir, 'dist');

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Builds the web app once if there is no build yet: the server serves dist/. */
export function ensureWebBuilt(): void {
  if (existsSync(join(webDistDir, 'index.html'))) return;
  const result = spawnSync('npm', ['run', 'build', '-w', '@backbeat/web'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('Building the web app failed; run `npm run build -w @backbeat/web`.');
}

export interface RunningApp {
  backbeat: Backbeat;
  baseUrl: string;
  dataDir: string;
  /** The one-time admin sign-in link printed at first start, as a path on `baseUrl`. */
  adminSignInPath: string | undefined;
  stop(): Promise<void>;
}

/**
 * A real Backbeat in demo mode on a random port with its own data directory,
 * serving the built web app. Resolves once the demo locations have been read,
 * so every page has data to show.
 *
 * @example
 * const app = await startDemoApp();
 * // ... drive app.baseUrl in Chromium
 * await app.stop();
 */
export async function startDemoApp(): Promise<RunningApp> {
  ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'backbeat-e2e-'));
  const config = loadConfig({
    env: {},
    overrides: { port: 0, host: '127.0.0.1', dataDir, demo: true, webDistDir, logLevel: 'warn' },
  });
  const backbeat = await createBackbeat({ config, mode: 'serve', logger: silentLogger() });
  const { port } = await backbeat.listen();
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await backbeat.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForDemoCatalog(baseUrl);
  } catch (error) {
    await stop();
    throw error;
  }
  const link = backbeat.firstStart?.signInUrl;
  const adminSignInPath = link ? new URL(link).pathname : undefined;
  return { backbeat, baseUrl, dataDir, adminSignInPath, stop };
}

interface LocationRow {
  refreshState?: string | null;
  lastRefreshAt?: string | null;
  entityCount: number;
}

/** Polls the public API (as the demo user) until every location has been read at least once. */
async function waitForDemoCatalog(baseUrl: string, timeoutMs = 150_000): Promise<void> {
  const signIn = await fetch(`${baseUrl}/api/auth/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (!signIn.ok) throw new Error(`Demo sign-in failed with ${signIn.status}: ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/api/catalog/location-status`, { headers: { cookie } });
    if (response.ok) {
      const rows = (await response.json()) as LocationRow[];
      const done = rows.filter((row) => row.lastRefreshAt && !/pending|running|queued/i.test(row.refreshState ?? ''));
      last = `${done.length}/${rows.length} locations read`;
      if (rows.length > 0 && done.length === rows.length) return;
    } else {
      last = `location-status answered ${response.status}`;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The demo catalog was not ready in time (${last}).`);
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors thrown in the page; a test asserts this stays empty. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Chromium with a fresh profile, its pages rooted at `baseUrl`, collecting uncaught page errors. */
export async function openBrowser(baseUrl: string): Promise<BrowserSession> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    browser,
    context,
    page,
    pageErrors,
    close: () => browser.close(),
  };
}

/** Signs in from the sign-in page with the one-click demo button and waits for the catalog. */
export async function signInWithDemo(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Explore the demo' }).click();
  await page.getByTestId('catalog-table').waitFor();
}

/**
 * A one-commit git repository in a temp dir holding `files`, for registering as a location.
 *
 * @example
 * const repo = createGitRepo({ 'catalog-info.yaml': 'kind: Component ...' });
 */
export function createGitRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-e2e-repo-'));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Backbeat Tests',
    GIT_AUTHOR_EMAIL: 'tests@backbeat.invalid',
    GIT_COMMITTER_NAME: 'Backbeat Tests',
    GIT_COMMITTER_EMAIL: 'tests@backbeat.invalid',
  };
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['commit', '-q', '-m', 'Describe the service'],
  ]) {
    const result = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  }
  return dir;
}
