import { createHash } from 'node:crypto';
import { nowIso } from '../../../platform/ids.js';
import { buildClientPayload, type ClientFeaturesPayload } from '../model/client-payload.js';
import { hashClientToken } from '../model/client-token-text.js';
import type { ClientToken } from '../model/records.js';
import type { ApplicationInstance, MetricsSummaryRow, TogglesStore } from '../store/toggles-store.js';

/** Tokens record their last use at most this often, so reads do not turn into writes. */
const TOKEN_USE_INTERVAL_MS = 60_000;

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

export function createClientService(options: { store: TogglesStore }): ClientService {
  const { store } = options;
  const cache = new Map<string, ClientFeatures>();
  const lastUse = new Map<string, number>();

  return {
    async authenticate(rawToken) {
      if (!rawToken) return undefined;
      const token = await store.findTokenByHash(hashClientToken(rawToken));
      if (!token || token.revokedAt) return undefined;
      const now = Date.now();
      if ((lastUse.get(token.id) ?? 0) + TOKEN_USE_INTERVAL_MS < now) {
        lastUse.set(token.id, now);
        await store.markTokenUsed(token.id, nowIso());
      }
      return token;
    },

    async etagOf(scope, { inlineSegments }) {
      const revision = await store.revision();
      return `"${queryHashOf(scope, inlineSegments)}:${revision}:v1"`;
    },

    async features(scope, { inlineSegments }) {
      // The revision is read first: a payload built afterwards is at least that new.
      const revision = await store.revision();
      const key = `${scope.project}\u0000${scope.environment}\u0000${inlineSegments}`;
      const cached = cache.get(key);
      if (cached && cached.revision === revision) return cached;
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
      const content = JSON.stringify({ features: payload.features, segments: payload.segments ?? [] });
      const built: ClientFeatures = {
        payload,
        body: JSON.stringify(payload),
        content,
        etag: payload.meta.etag,
        revision,
      };
      cache.set(key, built);
      return built;
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
