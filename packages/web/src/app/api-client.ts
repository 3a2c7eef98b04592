/** An RFC 9457 problem document as the server sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: unknown[];
}

/** A failed API call; `message` is the problem's `detail`, fit to show to the user. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `Request failed with status ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

type QueryValue = string | number | boolean | undefined | null | (string | number)[];

/**
 * Builds `/api/...?a=1&b=2`, skipping empty values and repeating array values.
 *
 * @example
 * apiUrl('/api/catalog/entity-facets', { facet: ['kind', 'spec.type'] });
 */
export function apiUrl(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function toApiError(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status, title: response.statusText };
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      problem = { ...problem, ...(JSON.parse(text) as Problem) };
    } catch {
      problem = { ...problem, detail: text.slice(0, 300) };
    }
  }
  return new ApiError(response.status, problem);
}

async function request(method: string, url: string, body?: unknown): Promise<Response> {
  // Mutations always carry a JSON content type: the server's CSRF rule rejects
  // cross-site form posts, which cannot set it.
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await toApiError(response);
  return response;
}

async function readJson<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * The one way the web app talks to the server.
 *
 * @example
 * const me = await api.get<Me>('/api/auth/me');
 */
export const api = {
  async get<T>(url: string): Promise<T> {
    return readJson<T>(await request('GET', url));
  },
  async text(url: string): Promise<string> {
    return (await request('GET', url)).text();
  },
  async post<T>(url: string, body?: unknown): Promise<T> {
    return readJson<T>(await request('POST', url, body));
  },
  async delete<T = void>(url: string): Promise<T> {
    return readJson<T>(await request('DELETE', url));
  },
};

/** A user-facing message for anything thrown by a query or mutation. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
