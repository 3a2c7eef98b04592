import { CliError } from './cli-errors.js';
import { formatFieldError } from './output.js';

/** The problem+json document the server answers errors with (RFC 9457). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field?: string; message?: string }[];
  [extension: string]: unknown;
}

export type QueryValue = string | number | boolean | undefined | (string | number)[];

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
}

/** A small JSON client for the Backbeat HTTP API. */
export interface HttpClient {
  readonly serverUrl: string;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

/**
 * Creates a client that sends the API token as a bearer token and turns every
 * failure into a {@link CliError} a person can act on: problem+json answers
 * become their `detail` plus field errors; a refused connection says how to
 * start the server.
 *
 * @example
 * const client = createHttpClient({ serverUrl: 'http://localhost:7007', token });
 * const page = await client.request('GET', '/api/catalog/entities/by-query', { query: { limit: 20 } });
 */
export function createHttpClient(options: {
  serverUrl: string;
  token: string | undefined;
  fetch?: typeof fetch;
}): HttpClient {
  const doFetch = options.fetch ?? fetch;
  const serverUrl = options.serverUrl;
  return {
    serverUrl,
    async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
      const url = buildUrl(serverUrl, path, request.query);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (request.body !== undefined) headers['content-type'] = 'application/json';

      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
        });
      } catch (error) {
        throw unreachable(serverUrl, error);
      }

      const text = await response.text();
      if (!response.ok) throw problemError(response, text, method, url);
      if (text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new CliError(`The server at ${serverUrl} answered ${method} ${path} with something that is not JSON`);
      }
    },
  };
}

function buildUrl(serverUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const url = new URL(path, `${serverUrl}/`);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
  }
  return url.toString();
}

function unreachable(serverUrl: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message;
  const code = reason ? ` (${reason})` : '';
  return new CliError(
    `The Backbeat server is not reachable at ${serverUrl}${code}.`,
    1,
    [
      'Start one with `backbeat serve` (or `npm start` in the repository),',
      'or point the CLI at a running server with --server <url> or BACKBEAT_URL.',
    ],
    { error: { message: `The Backbeat server is not reachable at ${serverUrl}`, code: cause?.code } },
  );
}

function problemError(response: Response, text: string, method: string, url: string): CliError {
  let problem: Problem | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') problem = parsed as Problem;
  } catch {
    // Not JSON (a proxy's error page, say): fall back to the status line below.
  }
  const message =
    problem?.detail ||
    problem?.title ||
    `${method} ${new URL(url).pathname} failed with HTTP ${response.status} ${response.statusText}`.trim();
  const details = (problem?.errors ?? []).map((e) => formatFieldError(e.field, e.message ?? ''));
  if (response.status === 401) details.push('Send an API token with --token <token> or BACKBEAT_TOKEN.');
  return new CliError(message, 1, details, {
    error: { status: response.status, ...(problem ?? { detail: message }) },
  });
}
