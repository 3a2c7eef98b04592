import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = {
  '@backbeat/server': fileURLToPath(new URL('./packages/server/src/index.ts', import.meta.url)),
  '@backbeat/demo-fleet': fileURLToPath(new URL('./packages/demo-fleet/src/index.ts', import.meta.url)),
  '@backbeat/toggles-sdk': fileURLToPath(new URL('./packages/toggles-sdk/src/index.ts', import.meta.url)),
};

/**
 * Four projects. `unit` runs pure tests; `sqlite` and `pg` run the same
 * `*.db.test.ts` files against a real SQLite file and a real PostgreSQL;
 * `e2e` drives the built app in Chromium.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'sqlite',
          include: ['packages/*/src/**/*.db.test.ts'],
          env: { BACKBEAT_TEST_DB: 'sqlite' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'pg',
          include: ['packages/*/src/**/*.db.test.ts'],
          env: { BACKBEAT_TEST_DB: 'postgres' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['packages/web/e2e/**/*.e2e.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
