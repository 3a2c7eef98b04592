import { afterAll, beforeAll } from 'vitest';
import { type BrowserSession, openBrowser, type RunningApp, signInWithDemo, startDemoApp } from './harness.js';

/** A demo server and a Chromium session shared by the tests of one file. */
export interface DemoBrowser {
  app: RunningApp;
  session: BrowserSession;
}

/**
 * Starts a demo server and a browser before the file's tests (signed in with the
 * demo button when asked) and stops both after them.
 *
 * @example
 * const demo = useDemoBrowser({ signIn: true });
 * it('opens the catalog', async () => { await demo.session.page.goto('/catalog'); });
 */
export function useDemoBrowser(options: { signIn: boolean }): DemoBrowser {
  const demo = {} as DemoBrowser;
  beforeAll(async () => {
    demo.app = await startDemoApp();
    demo.session = await openBrowser(demo.app.baseUrl);
    if (options.signIn) await signInWithDemo(demo.session.page);
  });
  afterAll(async () => {
    await demo.session?.close();
    await demo.app?.stop();
  });
  return demo;
}
