/**
 * The layout rules of docs/architecture.md, enforced by `npm run lint`:
 * platform never imports a feature; a feature reaches another feature only
 * through that feature's index.ts; production code never imports test code.
 */
module.exports = {
  forbidden: [
    {
      name: 'platform-never-imports-features',
      severity: 'error',
      from: { path: '^packages/server/src/platform/' },
      to: { path: '^packages/server/src/features/' },
    },
    {
      name: 'features-meet-through-index',
      comment: 'Import another feature only through its index.ts (its service interface or read model).',
      severity: 'error',
      from: { path: '^packages/server/src/features/([^/]+)/' },
      to: {
        path: '^packages/server/src/features/([^/]+)/',
        pathNot: ['^packages/server/src/features/$1/', '^packages/server/src/features/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^packages/server/src/', pathNot: ['\\.test\\.ts$', '/testing/', '\\.contract\\.ts$'] },
      to: { path: ['\\.test\\.ts$', '/testing/', '\\.contract\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'warn',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: ['dist/', 'node_modules'] },
  },
};
