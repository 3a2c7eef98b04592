import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Everything Backbeat can be configured with. Defaults, then a config file
 * (`backbeat.config.json` in the data dir, or BACKBEAT_CONFIG), then environment
 * variables, then explicit overrides (CLI flags). Nothing else reads `process.env`.
 *
 * @example
 * const config = loadConfig({ overrides: { port: 8080 } });
 */
export interface Config {
  /** HTTP port; 7007 like Backstage so existing clients' defaults work. */
  port: number;
  host: string;
  /** Public base URL, used in sign-in links printed at first start. */
  baseUrl: string;
  /** Where the SQLite file, git mirrors and the demo fleet live. */
  dataDir: string;
  /** PostgreSQL connection string; unset means the embedded SQLite file. */
  databaseUrl: string | undefined;
  /** Seeds an admin API token at first start (automation), like Unleash's INIT_ADMIN_API_TOKENS. */
  adminToken: string | undefined;
  /** Seed the demo organisation and fleet and allow one-click demo sign-in. */
  demo: boolean;
  /** Seconds between scheduled refreshes of every catalog location. */
  catalogRefreshIntervalSeconds: number;
  /** Hosts (for URLs) and path prefixes (for local paths) that non-admins may register as locations. */
  readAllowList: { hosts: string[]; paths: string[] };
  logLevel: string;
  /** Directory holding the built web app (index.html); undefined serves no UI. */
  webDistDir: string | undefined;
  /** Whether `serve` runs the job worker in-process. */
  runWorker: boolean;
  /** Jobs one process runs at the same time (git work of shifts, location refreshes). */
  jobConcurrency: number;
  /**
   * Hosted code hosts Fleet Shift publishes pull requests to; repositories on other
   * hosts (and local paths) use plain git. Read from the config file's `codeHosts`
   * list, each `{ "type": "github" | "gitea", "url": "https://github.com",
   * "apiUrl"?: "https://api.github.com", "tokenEnv": "BACKBEAT_GITHUB_TOKEN",
   * "limits"?: { "requestsPerHour", "contentPerMinute", "contentPerHour" } }`. The token
   * comes from the environment variable named by `tokenEnv`, never from the file. A
   * GitHub host may authenticate as a GitHub App instead: `"githubApp": { "appId",
   * "installationId"?, "privateKeyEnv" | "privateKeyFile" }` (the PEM key from an
   * environment variable, or a file relative to the config file; without
   * `installationId`, each repository owner's installation is looked up).
   */
  codeHosts: CodeHostSettings[];
}

/** One hosted code host, its token (or GitHub App key) already read from the environment or its file. */
export interface CodeHostSettings {
  type: 'github' | 'gitea';
  /** Web/git base URL; repositories whose URL has this host go through this code host. */
  url: string;
  /** REST API base; defaults per type (see the fleet code hosts). */
  apiUrl?: string;
  token?: string;
  githubApp?: { appId: string; installationId?: string; privateKey: string };
  limits?: { requestsPerHour?: number; contentPerMinute?: number; contentPerHour?: number };
}

export type ConfigOverrides = Partial<Config>;

const DEFAULTS: Omit<Config, 'baseUrl' | 'webDistDir'> = {
  port: 7007,
  host: '0.0.0.0',
  dataDir: '.backbeat',
  databaseUrl: undefined,
  adminToken: undefined,
  demo: false,
  catalogRefreshIntervalSeconds: 300,
  readAllowList: { hosts: [], paths: [] },
  logLevel: 'info',
  runWorker: true,
  jobConcurrency: 2,
  codeHosts: [],
};

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  overrides?: ConfigOverrides;
  cwd?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const overrides = stripUndefined(options.overrides ?? {});

  const dataDirRaw = overrides.dataDir ?? env.BACKBEAT_DATA_DIR ?? DEFAULTS.dataDir;
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);
  const configPath = env.BACKBEAT_CONFIG ?? join(dataDir, 'backbeat.config.json');
  const { codeHosts: fileCodeHosts, ...file } = readConfigFile(configPath) as ConfigOverrides & { codeHosts?: unknown };

  const fromEnv = stripUndefined<ConfigOverrides>({
    port: env.BACKBEAT_PORT ? parsePort(env.BACKBEAT_PORT, 'BACKBEAT_PORT') : undefined,
    host: env.BACKBEAT_HOST,
    baseUrl: env.BACKBEAT_BASE_URL,
    databaseUrl: env.BACKBEAT_DATABASE_URL || undefined,
    adminToken: env.BACKBEAT_ADMIN_TOKEN || undefined,
    demo: env.BACKBEAT_DEMO ? env.BACKBEAT_DEMO === 'true' || env.BACKBEAT_DEMO === '1' : undefined,
    logLevel: env.BACKBEAT_LOG_LEVEL,
    jobConcurrency: env.BACKBEAT_JOB_CONCURRENCY
      ? parseWholeNumber(env.BACKBEAT_JOB_CONCURRENCY, 'BACKBEAT_JOB_CONCURRENCY')
      : undefined,
    catalogRefreshIntervalSeconds: env.BACKBEAT_CATALOG_REFRESH_SECONDS
      ? Number(env.BACKBEAT_CATALOG_REFRESH_SECONDS)
      : undefined,
    readAllowList:
      env.BACKBEAT_READ_ALLOW_HOSTS || env.BACKBEAT_READ_ALLOW_PATHS
        ? {
            hosts: splitList(env.BACKBEAT_READ_ALLOW_HOSTS),
            paths: splitList(env.BACKBEAT_READ_ALLOW_PATHS),
          }
        : undefined,
  });

  const codeHosts = fileCodeHosts === undefined ? undefined : parseCodeHosts(fileCodeHosts, env, configPath);
  const merged = { ...DEFAULTS, ...file, ...(codeHosts ? { codeHosts } : {}), ...fromEnv, ...overrides, dataDir };
  const port = merged.port;
  return {
    ...merged,
    baseUrl: merged.baseUrl ?? `http://localhost:${port}`,
    webDistDir: merged.webDistDir ?? findWebDist(),
  };
}

function readConfigFile(path: string): ConfigOverrides {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ConfigOverrides;
  } catch (error) {
    throw new Error(`Config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The config file's `codeHosts` list; errors name the file and the entry's field. */
function parseCodeHosts(raw: unknown, env: NodeJS.ProcessEnv, file: string): CodeHostSettings[] {
  if (!Array.isArray(raw)) throw new Error(`Config file ${file}: codeHosts must be a list`);
  return raw.map((entry: unknown, index) => {
    const at = `Config file ${file}: codeHosts[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new Error(`${at} must be an object`);
    const e = entry as Record<string, unknown>;
    if (e.type !== 'github' && e.type !== 'gitea') throw new Error(`${at}.type must be "github" or "gitea"`);
    if (typeof e.url !== 'string' || !/^https?:\/\//.test(e.url)) throw new Error(`${at}.url must be an http(s) URL`);
    if (e.apiUrl !== undefined && (typeof e.apiUrl !== 'string' || !/^https?:\/\//.test(e.apiUrl))) {
      throw new Error(`${at}.apiUrl must be an http(s) URL`);
    }
    if ('token' in e) throw new Error(`${at}.token: put the token in an environment variable and name it in tokenEnv`);
    const credential =
      e.githubApp !== undefined && e.type === 'github'
        ? { githubApp: parseGitHubApp(e.githubApp, env, file, `${at}.githubApp`) }
        : { token: tokenFrom(e, env, at) };
    if (e.githubApp !== undefined && e.tokenEnv !== undefined) {
      throw new Error(`${at}: give tokenEnv or githubApp, not both`);
    }
    const limits: CodeHostSettings['limits'] = {};
    if (e.limits !== undefined) {
      if (typeof e.limits !== 'object' || e.limits === null) throw new Error(`${at}.limits must be an object`);
      for (const [key, value] of Object.entries(e.limits)) {
        if (key !== 'requestsPerHour' && key !== 'contentPerMinute' && key !== 'contentPerHour') {
          throw new Error(`${at}.limits.${key} is not a known limit`);
        }
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
          throw new Error(`${at}.limits.${key} must be a whole number of at least 1`);
        }
        limits[key] = value;
      }
    }
    return {
      type: e.type,
      url: e.url,
      ...(typeof e.apiUrl === 'string' ? { apiUrl: e.apiUrl } : {}),
      ...credential,
      ...(e.limits !== undefined ? { limits } : {}),
    };
  });
}

function tokenFrom(e: Record<string, unknown>, env: NodeJS.ProcessEnv, at: string): string {
  if (e.githubApp !== undefined) throw new Error(`${at}.githubApp: only a github code host authenticates as an App`);
  if (typeof e.tokenEnv !== 'string' || !e.tokenEnv)
    throw new Error(`${at}.tokenEnv must name an environment variable`);
  const token = env[e.tokenEnv];
  if (!token) throw new Error(`${at}.tokenEnv: the environment variable ${e.tokenEnv} is not set`);
  return token;
}

/** `githubApp`: ids as strings or numbers, and the private key from an environment variable or a file. */
function parseGitHubApp(raw: unknown, env: NodeJS.ProcessEnv, file: string, at: string) {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${at} must be an object`);
  const app = raw as Record<string, unknown>;
  const id = (field: 'appId' | 'installationId') => {
    const value = app[field];
    if (!/^\d+$/.test(String(value ?? '')) && !(field === 'appId' && /^Iv[\w.]+$/.test(String(value)))) {
      throw new Error(`${at}.${field} must be the App's number${field === 'appId' ? ' or client id' : ''}`);
    }
    return String(value);
  };
  let privateKey: string | undefined;
  if (typeof app.privateKeyEnv === 'string' && app.privateKeyEnv) {
    privateKey = env[app.privateKeyEnv];
    if (!privateKey) throw new Error(`${at}.privateKeyEnv: the environment variable ${app.privateKeyEnv} is not set`);
  } else if (typeof app.privateKeyFile === 'string' && app.privateKeyFile) {
    const path = resolve(dirname(file), app.privateKeyFile);
    if (!existsSync(path)) throw new Error(`${at}.privateKeyFile: ${path} does not exist`);
    privateKey = readFileSync(path, 'utf8');
  } else {
    throw new Error(`${at} needs privateKeyEnv or privateKeyFile`);
  }
  return {
    appId: id('appId'),
    ...(app.installationId !== undefined ? { installationId: id('installationId') } : {}),
    privateKey,
  };
}

function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number between 0 and 65535, got "${value}"`);
  }
  return port;
}

function parseWholeNumber(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`${name} must be a whole number of at least 1, got "${value}"`);
  return number;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The web package's build output, found relative to this file in the monorepo. */
function findWebDist(): string | undefined {
  const candidate = resolve(new URL('.', import.meta.url).pathname, '../../../web/dist');
  return existsSync(join(candidate, 'index.html')) ? candidate : undefined;
}
