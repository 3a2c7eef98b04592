/**
 * Which repository on a hosted code host a repository URL names. Catalog locations
 * may use the web/https form, the ssh form or scp-like `git@host:owner/repo.git`;
 * Backbeat always pushes to the https form under the configured base URL, because
 * that is where its token header applies.
 */

export interface HostedRepository {
  owner: string;
  name: string;
  /** `owner/name`, used in API paths and error messages. */
  fullName: string;
  /** Where branches are pushed: `<base url>/<owner>/<name>.git`, never with credentials. */
  gitUrl: string;
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/**
 * The host part (`host[:port]`, lower case) of a repository URL, or undefined for
 * local paths and anything else that is not a network remote.
 *
 * @example
 * repositoryHost('https://github.example.com/org/web.git') // 'github.example.com'
 * repositoryHost('git@github.com:org/web.git') // 'github.com'
 */
export function repositoryHost(repository: string): string | undefined {
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/)/.exec(repository);
  if (scp?.[1]) return scp[1].toLowerCase();
  if (!/^(https?|ssh|git):\/\//i.test(repository)) return undefined;
  try {
    return new URL(repository).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits a repository URL on a host at `baseUrl` into owner and name.
 *
 * @example
 * hostedRepository('https://git.example.com/gitea/org/web.git', 'https://git.example.com/gitea')
 * // { owner: 'org', name: 'web', fullName: 'org/web', gitUrl: 'https://git.example.com/gitea/org/web.git' }
 */
export function hostedRepository(repository: string, baseUrl: string): HostedRepository {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  let path: string;
  const scp = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/)(.*)$/.exec(repository);
  if (scp) {
    path = scp[1] ?? '';
  } else {
    let url: URL;
    try {
      url = new URL(repository);
    } catch {
      throw new Error(`Repository "${repository}" is not a URL on ${base.origin}`);
    }
    path = url.pathname;
    if (/^https?:$/.test(url.protocol) && basePath && (path === basePath || path.startsWith(`${basePath}/`))) {
      path = path.slice(basePath.length);
    }
  }
  const segments = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  const [owner, name] = segments;
  if (segments.length !== 2 || !owner || !name || !valid(owner) || !valid(name)) {
    throw new Error(`Repository "${redact(repository)}" is not an owner/repository path on ${base.origin}${basePath}`);
  }
  return { owner, name, fullName: `${owner}/${name}`, gitUrl: `${base.origin}${basePath}/${owner}/${name}.git` };
}

function valid(segment: string): boolean {
  return SEGMENT.test(segment) && segment !== '.' && segment !== '..';
}

/** A URL's password never goes into a message. */
function redact(repository: string): string {
  return repository.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}

/**
 * Environment for git commands that talk to the host: the token travels as an
 * HTTP header set through git's environment config, scoped to the host's base URL,
 * so it is never in a URL, an argument list or a log line.
 *
 * @example
 * await pushBranch({ repoUrl: repo.gitUrl, mirrorDir, commit, branch, env: gitAuthEnv('https://github.com', token) });
 */
export function gitAuthEnv(baseUrl: string, token: string): Record<string, string> {
  const scope = `${baseUrl.replace(/\/+$/, '')}/`;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${scope}.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}
