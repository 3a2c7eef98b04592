import pino, { type Logger } from 'pino';

export type { Logger };

/** Field paths whose values are never written to logs. */
const REDACT = [
  'password',
  'token',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * The process logger. Tokens and passwords are redacted by field name.
 *
 * @example
 * const log = createLogger({ level: 'info' });
 * log.info({ location: id }, 'refreshed');
 */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' } },
    options.destination ?? process.stderr,
  );
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
