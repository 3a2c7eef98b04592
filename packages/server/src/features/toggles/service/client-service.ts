import { createHash } from 'node:crypto';
import type { EventLog } from '../../../platform/events/event-log.js';
import { nowIso } from '../../../platform/ids.js';
import { buildClientPayload, type ClientFeaturesPayload } from '../model/client-payload.js';
import { hashClientToken } from '../model/client-token-text.js';
import type { ClientToken } from '../model/records.js';
import type { ApplicationInstance, MetricsSummaryRow, TogglesStore } from '../store/toggles-store.js';
import { createTokenCache } from './token-cache.js';

/** Tokens record their last use at most this often, so reads do not turn into writes. */
const TOKEN_USE_INTERVAL_MS = 60_000;

/**
 * How long an authenticated token is trusted without a query. Revocations in this
 * process take effect at once; other processes sharing the database honour them
 * within this time.
 */
export const TOKEN_CACHE_TTL_MS = 5_000;

/** Events after which cached tokens may no longer be valid. */
const TOKEN_INVALIDATING_EVENTS = ['toggle.token.revoked', 'toggle.project.deleted'];

/** What a client token may read: one project (or `*`) in one environment. */
export interface ClientScope {
  project: string;
  environment: string;
}

export interface ClientFeatures {
  payload: ClientFeaturesPayload;
  /** The serialized payload, built once per scope and revision. */
  body: string;
  /** The payload without its revision: equal when nothing in the scope changed. */
  content: string;
  etag: string;
  revision: number;
}

export interface MetricsReport {
  appName: string;
  bucket: { start: string; toggles: Record<string, { yes?: number; no?: number; variants?: Record<string, number> }> };
}

export interface RegistrationReport {
  appName: string;
  instanceId?: string;
  sdkVersion?: string;
  strategies: string[];
  interval?: number;
  started?: string | number;
}

/**
 * What SDKs talk to: token checks, the client payload of a scope (cached per
 * revision, so a poll that changes nothing costs one small query), registrations
 * and metrics.
 *
 * @example
 * const token = await client.authenticate(header);
 * const { body, etag } = await client.features({ project: token.project, environment: token.environment }, { inlineSegments: false });
 */
export interface ClientService {
  authenticate(rawToken: string | undefined): Promise<ClientToken | undefined>;
  features(scope: ClientScope, options: { inlineSegments: boolean }): Promise<ClientFeatures>;
  /** The current revision and ETag of a scope without building its payload (for If-None-Match). */
  etagOf(scope: ClientScope, options: { inlineSegments: boolean }): Promise<string>;
  register(token: ClientToken, report: RegistrationReport): Promise<void>;
  recordMetrics(token: ClientToken, report: MetricsReport): Promise<void>;
  /** Hourly yes/no and variant counts of a project's flags: the exposure chart and the guards' input. */
  metrics(options: {
    project: string;
    flag?: string;
    environment?: string;
    since?: string;
  }): Promise<MetricsSummaryRow[]>;
  applications(options: { project?: string; environment?: string }): Promise<ApplicationInstance[]>;
}

/** A short stable hash of the scope, as Unleash's `queryHash`. */
export function queryHashOf(scope: ClientScope, inlineSegments: boolean): string {
  return createHash('sha256')
    .update(`${scope.project}\u0000${scope.environment}\u0000${inlineSegments ? 'inline' : 'global'}`)
    .digest('hex')
    .slice(0, 8);
}

/** The start of the UTC hour an ISO time falls in; metrics are kept per hour. */
export function hourOf(time: string | number | undefined): string {
  const date = new Date(time ?? Date.now());
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  valid.setUTCMinutes(0, 0, 0);
  return valid.toISOString();
}

export function createClientService(options: {
  store: TogglesStore;
  /** Clears cached tokens when one is revoked; without it only the TTL ends them. */
  events?: EventLog;
  /** The current revision, e.g. the change feed's in-memory copy; default a query per call. */
  revision?: () => Promise<number>;
  tokenCacheTtlMs?: number;
  /** Milliseconds since the epoch; tests move it to expire cached tokens. */
  now?: () => number;
}): ClientService {
  const { store } = options;
  const currentRevision = options.revision ?? (() => store.revision());
  const cache = new Map<string, ClientFeatures>();
  const building = new Map<string, Promise<ClientFeatures>>();
  const lastUse = new Map<string, number>();
  const tokens = createTokenCache({
    ttlMs: options.tokenCacheTtlMs ?? TOKEN_CACHE_TTL_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  for (const type of TOKEN_INVALIDATING_EVENTS) options.events?.subscribe(type, () => tokens.clear());

  async function buildFeatures(scope: ClientScope, inlineSegments: boolean, revision: number): Promise<ClientFeatures> {
    const [flags, segments] = await Promise.all([
      store.listFlags({ project: scope.project }),
      store.listSegments(scope.project),
    ]);
    const projects = scope.project === '*' ? [...new Set(flags.map((f) => f.project))].sort() : [scope.project];
    const payload = buildClientPayload({
      flags,
      segments,
      environment: scope.environment,
      projects,
      revision,
      queryHash: queryHashOf(scope, inlineSegments),
      inlineSegments,
    });
    return {
      payload,
      body: JSON.stringify(payload),
      content: JSON.stringify({ features: payload.features, segments: payload.segments ?? [] }),
      etag: payload.meta.etag,
      revision,
    };
  }

  return {
    async authenticate(rawToken) {
      if (!rawToken) return undefined;
      const hash = hashClientToken(rawToken);
      let token = tokens.get(hash);
      if (!token) {
        token = await store.findTokenByHash(hash);
        if (!token || token.revokedAt) return undefined;
        tokens.set(hash, token);
      }
      const now = Date.now();
      if ((lastUse.get(token.id) ?? 0) + TOKEN_USE_INTERVAL_MS < now) {
        lastUse.set(token.id, now);
        await store.markTokenUsed(token.id, nowIso());
      }
      return token;
    },

    async etagOf(scope, { inlineSegments }) {
      const revision = await currentRevision();
      return `"${queryHashOf(scope, inlineSegments)}:${revision}:v1"`;
    },

    async features(scope, { inlineSegments }) {
      // The revision is read first: a payload built afterwards is at least that new.
      const revision = await currentRevision();
      const key = `${scope.project}\u0000${scope.environment}\u0000${inlineSegments}`;
      const cached = cache.get(key);
      if (cached && cached.revision === revision) return cached;
      // Callers asking for the same scope and revision at once (streams after a change) share one build.
      const buildKey = `${key}\u0000${revision}`;
      const inProgress = building.get(buildKey);
      if (inProgress) return inProgress;
      const build = buildFeatures(scope, inlineSegments, revision).then(
        (built) => {
          building.delete(buildKey);
          const current = cache.get(key);
          if (!current || current.revision <= revision) cache.set(key, built);
          return built;
        },
        (error: unknown) => {
          building.delete(buildKey);
          throw error;
        },
      );
      building.set(buildKey, build);
      return build;
    },

    async register(token, report) {
      const at = nowIso();
      const startedDate = report.started === undefined ? undefined : new Date(report.started);
      const started = startedDate && !Number.isNaN(startedDate.getTime()) ? startedDate.toISOString() : null;
      await store.upsertApplication({
        appName: report.appName,
        instanceId: report.instanceId ?? 'default',
        environment: token.environment,
        project: token.project,
        sdkVersion: report.sdkVersion ?? null,
        strategies: report.strategies,
        intervalMs: report.interval ?? null,
        startedAt: started,
        firstSeenAt: at,
        lastSeenAt: at,
      });
    },

    metrics: (o) => store.metrics(o),
    applications: (o) => store.listApplications(o),

    async recordMetrics(token, report) {
      const flags =
        token.project === '*'
          ? await store.listFlags({ project: '*' })
          : await store.listFlags({ project: token.project });
      // Counts are kept per project; a flag the scope cannot see is ignored rather than invented.
      const byName = new Map(flags.map((f) => [f.name, f.project]));
      const perProject = new Map<
        string,
        Record<string, { yes: number; no: number; variants: Record<string, number> }>
      >();
      for (const [name, counts] of Object.entries(report.bucket.toggles)) {
        const project = byName.get(name);
        if (!project) continue;
        const toggles = perProject.get(project) ?? {};
        toggles[name] = { yes: counts.yes ?? 0, no: counts.no ?? 0, variants: counts.variants ?? {} };
        perProject.set(project, toggles);
      }
      for (const [project, toggles] of perProject) {
        await store.addMetrics({
          project,
          environment: token.environment,
          appName: report.appName,
          hour: hourOf(report.bucket.start),
          toggles,
        });
      }
    },
  };
}
