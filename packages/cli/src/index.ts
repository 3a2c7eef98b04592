#!/usr/bin/env node
import { runCli } from './program.js';

// `backbeat catalog list | head` closes the pipe early; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});

// Everything is closed by now; if a stray handle still holds the event loop, do not hang the shell.
setTimeout(() => process.exit(), 5000).unref();
