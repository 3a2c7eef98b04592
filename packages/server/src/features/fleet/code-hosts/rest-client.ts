import type { RateBudget } from './rate-budget.js';
import type { TokenSources } from './token-source.js';

/**
 * The small REST client both hosted code hosts share: every request draws from the
 * host's rate budget first, limit signals in answers block the budget, and failures
 * become {@link CodeHostError}s naming the repository, the request and the HTTP
 * status, with the token scrubbed from anything the host echoes back.
 */

/** A code host request that failed; `status` is the HTTP status (undefined when the host was unreachable). */
export class CodeHostError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'CodeHostError';
  }
}

export interface RestResponse<T> {
  status: number;
  data: T;
}

export interface RestRequest {
  /** `owner/repo`, named in errors. */
  repo: string;
  body?: unknown;
  /** Statuses returned to the caller instead of thrown (404 for "not there", 405/409 for merge refusals). */
  accept?: readonly number[];
}

export interface RestClient {
  /** GET: a `read` from the budget. */
  get<T>(path: string, request: RestRequest): Promise<RestResponse<T>>;
  /** POST, PATCH, PUT, DELETE: `content` from the budget. */
  send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, request: RestRequest): Promise<RestResponse<T>>;
}

export interface RestClientOptions {
  /** Shown in errors: `GitHub`, `Gitea`. */
  hostName: string;
  apiUrl: string;
  /** The credential for a request's repository. */
  tokens: TokenSources;
  /** The Authorization header for a token, e.g. `Bearer <token>`. */
  authorization: (token: string) => string;
  /** Other headers on every request. */
  headers: Record<string, string>;
  /** The rate budget of a credential's identity. */
  budgetOf: (identity: string) => RateBudget;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * @example
 * const client = createRestClient({ hostName: 'GitHub', apiUrl, tokens, authorization: (t) => `Bearer ${t}`, headers, budgetOf });
 * const { data } = await client.get<{ number: number }[]>('/repos/org/web/pulls?state=open', { repo: 'org/web' });
 */
export function createRestClient(options: RestClientOptions): RestClient {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  async function call<T>(method: string, path: string, request: RestRequest): Promise<RestResponse<T>> {
    const source = await options.tokens(request.repo);
    const budget = options.budgetOf(source.identity);
    budget.acquire(method === 'GET' ? 'read' : 'content');
    const what = `${options.hostName} ${method} ${path.split('?')[0]} for ${request.repo}`;
    const token = await source.current();
    const scrub = (text: string) => (token ? text.split(token).join('[token]') : text);
    let response: Response;
    try {
      response = await doFetch(`${apiUrl}${path}`, {
        method,
        headers: {
          ...options.headers,
          Authorization: options.authorization(token),
          ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
      throw new CodeHostError(scrub(`${what} could not reach ${apiUrl}: ${cause}`), undefined);
    }
    const text = await response.text();
    const limited = budget.observe({ status: response.status, headers: response.headers, body: text });
    if (limited) throw limited;
    if (!response.ok && !request.accept?.includes(response.status)) {
      throw new CodeHostError(scrub(`${what} failed: HTTP ${response.status}${hostMessage(text)}`), response.status);
    }
    return { status: response.status, data: parseJson<T>(text) };
  }

  return {
    get: (path, request) => call('GET', path, request),
    send: (method, path, request) => call(method, path, request),
  };
}

function parseJson<T>(text: string): T {
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined as T;
  }
}

/** The host's own explanation (`message` in both APIs), shortened. */
function hostMessage(text: string): string {
  const parsed = parseJson<{ message?: unknown }>(text);
  const message = typeof parsed?.message === 'string' ? parsed.message : '';
  return message ? ` (${message.slice(0, 300)})` : '';
}
