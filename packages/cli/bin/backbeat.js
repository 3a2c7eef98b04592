#!/usr/bin/env node
// A committed launcher, so npm links the `backbeat` command at install time,
// before the TypeScript build has produced dist/.
const entry = new URL('../dist/index.js', import.meta.url);
try {
  await import(entry.href);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(entry.pathname)) {
    console.error('backbeat is not built yet: run `npm run build` in the repository first.');
    process.exit(1);
  }
  throw error;
}
