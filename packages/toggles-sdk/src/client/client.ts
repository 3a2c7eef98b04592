import { applyDeltaEvents, type DeltaEvent } from '../evaluator/delta.js';
import {
  type CompiledFeatures,
  type CompileOptions,
  compileFeatures,
  type EvaluationDetails,
} from '../evaluator/features.js';
import { KNOWN_STRATEGIES } from '../evaluator/strategies.js';
import type { ClientFeaturesResponse, ToggleContext, VariantResult } from '../evaluator/types.js';
import { Emitter } from './emitter.js';
import { MetricsBucket, type MetricsPayload } from './metrics.js';
import { readEvents } from './sse.js';
import { memoryStorage, type TogglesStorage, webStorage } from './storage.js';

/** The SDK's name and version as sent to the server. */
export const SDK_VERSION = 'backbeat-toggles-sdk:0.1.0';
// Client specification level: 4.2.0+ gets segments by reference, 5.2.0 the streaming and delta APIs.
const CLIENT_SPEC = '5.2.0';

/**
 * Options of `createTogglesClient`.
 *
 * @example
 * const options: TogglesClientOptions = { url: 'https://backbeat.example.com', token: 'default:production.abc', appName: 'shop' };
 */
export interface TogglesClientOptions {
  /** The server's base URL; the client calls `{url}/api/client/...`. */
  url: string;
  /** A client API token, sent as the `Authorization` header. */
  token: string;
  appName: string;
  /** Default: the app name and a random suffix. */
  instanceId?: string;
  /** Put in every context that has none (constraints on `environment` read it). */
  environment?: string;
  /** Polling interval; polling runs only while the stream is down. Default 15,000; 0 turns polling off. */
  refreshIntervalMs?: number;
  /** Metrics interval. Default 60,000; 0 turns metrics off. */
  metricsIntervalMs?: number;
  /** Receive changes over Server-Sent Events (`/api/client/streaming`). Default true. */
  stream?: boolean;
  /**
   * Where the last-known-good flags are kept. Default: a JSON file in the OS temporary directory
   * in Node, localStorage in browsers. `false`: keep nothing.
   */
  storage?: TogglesStorage | false;
  /** Flags to serve until the server or the storage answers. */
  bootstrap?: ClientFeaturesResponse;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Time limit of each request (not of the stream). Default 10,000. */
  timeoutMs?: number;
  /**
   * A stream silent this long (not even a heartbeat comment) is taken as dead and reopened.
   * Default 60,000 (Backbeat sends a heartbeat every 15 s).
   */
  streamIdleTimeoutMs?: number;
  /** Passed to `compileFeatures`. */
  compile?: CompileOptions;
  /**
   * Never contact the server: serve `bootstrap`, else the stored copy. For tests, benchmarks
   * and air-gapped runs. Default false.
   */
  offline?: boolean;
}

/** Where the flags in use came from. */
export type FeaturesSource = 'server' | 'stream' | 'storage' | 'bootstrap';

/** Events of a toggles client. */
export interface TogglesClientEvents extends Record<string, unknown> {
  /** Flags are available for the first time. */
  ready: { source: FeaturesSource };
  /** A new set of flags replaced the previous one. */
  changed: { source: FeaturesSource; revisionId: number | undefined };
  /** Something failed (network, server, storage, payload); the client keeps serving what it has. */
  error: Error;
}

/**
 * A client that keeps a server's flags up to date and evaluates them locally.
 *
 * @example
 * const client = createTogglesClient({ url, token, appName: 'shop' });
 * await client.ready();
 * if (client.isEnabled('checkout.v2', { userId: '42' })) { ... }
 * await client.close();
 */
export interface TogglesClient {
  /** Whether a flag is on; `fallback` (default false) when the flag is unknown or no flags are loaded yet. */
  isEnabled(name: string, context?: ToggleContext, fallback?: boolean): boolean;
  /** The flag's variant; the disabled variant when unknown or not loaded. */
  getVariant(name: string, context?: ToggleContext): VariantResult;
  /** Evaluation with its reason; counted in metrics like `getVariant`. */
  evaluate(name: string, context?: ToggleContext): EvaluationDetails;
  /** The compiled flags in use, if any. */
  readonly features: CompiledFeatures | undefined;
  /** Whether the stream is connected. */
  readonly streaming: boolean;
  /** Resolves once flags are available; rejects after `timeoutMs` if given and they are not. */
  ready(timeoutMs?: number): Promise<void>;
  on<K extends keyof TogglesClientEvents>(event: K, listener: (value: TogglesClientEvents[K]) => void): () => void;
  off<K extends keyof TogglesClientEvents>(event: K, listener: (value: TogglesClientEvents[K]) => void): void;
  /** Fetches the flags now (If-None-Match); resolves true when the server answered 200 or 304. */
  refresh(): Promise<boolean>;
  /** Sends the metrics counted so far. */
  flushMetrics(): Promise<void>;
  /** Stops polling and streaming and sends the last metrics. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

function platform(): { platformName: string; platformVersion: string } {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node) return { platformName: 'node', platformVersion: proc.versions.node };
  return { platformName: 'browser', platformVersion: 'unknown' };
}

async function defaultStorage(appName: string): Promise<TogglesStorage> {
  if (platform().platformName === 'node') {
    const { defaultStoragePath, fileStorage } = await import('./file-storage.js');
    return fileStorage(await defaultStoragePath(appName));
  }
  if ((globalThis as { localStorage?: unknown }).localStorage) return webStorage(`backbeat-toggles:${appName}`);
  return memoryStorage();
}

class Client extends Emitter<TogglesClientEvents> implements TogglesClient {
  #base: string;
  #token: string;
  #appName: string;
  #instanceId: string;
  #connectionId: string;
  #environment: string | undefined;
  #refreshMs: number;
  #metricsMs: number;
  #timeoutMs: number;
  #fetch: typeof fetch;
  #compileOptions: CompileOptions | undefined;
  #storage: Promise<TogglesStorage | undefined>;
  #defaultContext: ToggleContext;

  #compiled: CompiledFeatures | undefined;
  #payload: ClientFeaturesResponse | undefined;
  #payloadJson: string | undefined;
  #etag: string | undefined;
  #metrics = new MetricsBucket();
  #isReady = false;
  #readyWaiters: (() => void)[] = [];
  #closed = false;
  #pollFailures = 0;
  #pollStopped = false;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #metricsTimer: ReturnType<typeof setTimeout> | undefined;
  #streamWanted: boolean;
  #streamUp = false;
  #streamAbort: AbortController | undefined;
  #lastEventId: string | undefined;
  #wakeStream: (() => void) | undefined;
  #offline: boolean;
  #streamIdleMs: number;

  constructor(options: TogglesClientOptions) {
    super();
    if (!options.url) throw new Error('createTogglesClient: url is required');
    if (!options.token) throw new Error('createTogglesClient: token is required');
    if (!options.appName) throw new Error('createTogglesClient: appName is required');
    this.#base = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#appName = options.appName;
    this.#connectionId = globalThis.crypto.randomUUID();
    this.#instanceId = options.instanceId ?? `${options.appName}-${this.#connectionId.slice(0, 8)}`;
    this.#environment = options.environment;
    this.#refreshMs = options.refreshIntervalMs ?? 15_000;
    this.#metricsMs = options.metricsIntervalMs ?? 60_000;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => fetchImpl(input, init);
    this.#compileOptions = options.compile;
    this.#offline = options.offline ?? false;
    this.#streamIdleMs = options.streamIdleTimeoutMs ?? 60_000;
    this.#streamWanted = (options.stream ?? true) && !this.#offline;
    this.#defaultContext = Object.freeze({
      appName: this.#appName,
      ...(this.#environment === undefined ? {} : { environment: this.#environment }),
    });
    this.#storage =
      options.storage === false
        ? Promise.resolve(undefined)
        : options.storage
          ? Promise.resolve(options.storage)
          : defaultStorage(this.#appName).catch((error) => {
              this.#fail(error);
              return undefined;
            });
    if (options.bootstrap) this.#apply(options.bootstrap, 'bootstrap', undefined);
    void this.#start();
  }

  get features(): CompiledFeatures | undefined {
    return this.#compiled;
  }

  get streaming(): boolean {
    return this.#streamUp;
  }

  isEnabled(name: string, context?: ToggleContext, fallback = false): boolean {
    const compiled = this.#compiled;
    if (compiled === undefined) return fallback;
    const enabled = compiled.isEnabled(name, this.#context(context), fallback);
    this.#metrics.count(name, enabled);
    return enabled;
  }

  getVariant(name: string, context?: ToggleContext): VariantResult {
    const compiled = this.#compiled;
    if (compiled === undefined) return { name: 'disabled', enabled: false, feature_enabled: false };
    const variant = compiled.getVariant(name, this.#context(context));
    this.#metrics.countVariant(name, variant.feature_enabled, variant.name);
    return variant;
  }

  evaluate(name: string, context?: ToggleContext): EvaluationDetails {
    const compiled = this.#compiled;
    if (compiled === undefined) {
      return {
        name,
        enabled: false,
        reason: 'NOT_FOUND',
        variant: { name: 'disabled', enabled: false, feature_enabled: false },
      };
    }
    const details = compiled.evaluate(name, this.#context(context));
    this.#metrics.countVariant(name, details.enabled, details.variant.name);
    return details;
  }

  ready(timeoutMs?: number): Promise<void> {
    if (this.#isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      this.#readyWaiters.push(done);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#readyWaiters = this.#readyWaiters.filter((w) => w !== done);
          reject(new Error(`toggles: no flags from ${this.#base} or storage within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  async refresh(): Promise<boolean> {
    if (this.#offline) return false;
    try {
      const response = await this.#request('/api/client/features', {
        headers: this.#etag ? { 'if-none-match': this.#etag } : {},
      });
      if (response.status === 304) {
        this.#pollFailures = 0;
        return true;
      }
      const payload = (await response.json()) as ClientFeaturesResponse;
      this.#pollFailures = 0;
      this.#apply(payload, 'server', response.headers.get('etag') ?? undefined);
      return true;
    } catch (error) {
      this.#pollFailures++;
      // A rejected token will not start working by retrying: stop polling, as Unleash SDKs do.
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) this.#pollStopped = true;
      this.#fail(error);
      return false;
    }
  }

  async flushMetrics(): Promise<void> {
    if (this.#metrics.empty || this.#offline) return;
    const bucket = this.#metrics.take();
    const body: MetricsPayload = {
      appName: this.#appName,
      instanceId: this.#instanceId,
      connectionId: this.#connectionId,
      ...platform(),
      specVersion: CLIENT_SPEC,
      bucket,
    };
    try {
      await this.#request('/api/client/metrics', { method: 'POST', body: JSON.stringify(body) });
    } catch (error) {
      // Keep the counts for the next send unless the server refused them as invalid.
      if (!(error instanceof HttpError && error.status >= 400 && error.status < 500)) this.#metrics.restore(bucket);
      this.#fail(error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#metricsTimer);
    this.#streamAbort?.abort();
    this.#wakeStream?.();
    if (this.#metricsMs > 0 && !this.#offline) await this.flushMetrics();
  }

  #context(context: ToggleContext | undefined): ToggleContext {
    if (context === undefined) return this.#defaultContext;
    if (context.appName !== undefined && (this.#environment === undefined || context.environment !== undefined)) {
      return context;
    }
    return { ...this.#defaultContext, ...context };
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      authorization: this.#token,
      'unleash-appname': this.#appName,
      'unleash-instanceid': this.#instanceId,
      'unleash-connection-id': this.#connectionId,
      'unleash-sdk': SDK_VERSION,
      'unleash-client-spec': CLIENT_SPEC,
      'unleash-interval': String(this.#refreshMs),
      ...extra,
    };
  }

  async #request(path: string, init: { method?: string; body?: string; headers?: Record<string, string> }) {
    const response = await this.#fetch(`${this.#base}${path}`, {
      method: init.method ?? 'GET',
      headers: this.#headers({ ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers }),
      body: init.body,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (response.status === 304 || response.ok) return response;
    const text = await response.text().catch(() => '');
    throw new HttpError(
      response.status,
      `${init.method ?? 'GET'} ${this.#base}${path}: HTTP ${response.status}${text ? ` ${text.slice(0, 200)}` : ''}`,
    );
  }

  #fail(error: unknown): void {
    if (this.#closed && error instanceof Error && error.name === 'AbortError') return;
    this.emit('error', error instanceof Error ? error : new Error(String(error)));
  }

  #apply(payload: ClientFeaturesResponse, source: FeaturesSource, etag: string | undefined): boolean {
    // The stream repeats the current flags on every (re)connect: same content, nothing to do.
    const json = JSON.stringify(payload);
    if (json === this.#payloadJson) {
      this.#etag = etag ?? payload.meta?.etag ?? this.#etag;
      return true;
    }
    let compiled: CompiledFeatures;
    try {
      compiled = compileFeatures(payload, this.#compileOptions);
    } catch (error) {
      this.#fail(new Error(`toggles: ignored an unusable payload from ${source}: ${(error as Error).message}`));
      return false;
    }
    this.#compiled = compiled;
    this.#payload = payload;
    this.#payloadJson = json;
    this.#etag = etag ?? payload.meta?.etag ?? this.#etag;
    if (source === 'server' || source === 'stream') {
      const stored = { payload, ...(this.#etag ? { etag: this.#etag } : {}), savedAt: new Date().toISOString() };
      void this.#storage.then((storage) => storage?.save(stored)).catch((error) => this.#fail(error));
    }
    if (!this.#isReady) {
      this.#isReady = true;
      // Deferred: a bootstrap is applied inside the constructor, before anyone could listen.
      queueMicrotask(() => this.emit('ready', { source }));
      for (const waiter of this.#readyWaiters.splice(0)) waiter();
    } else {
      this.emit('changed', { source, revisionId: compiled.revisionId });
    }
    return true;
  }

  async #start(): Promise<void> {
    if (this.#offline) {
      await this.#loadStored();
      return;
    }
    void this.#register();
    if (!(await this.refresh())) await this.#loadStored();
    if (this.#closed) return;
    this.#schedulePoll();
    this.#scheduleMetrics();
    if (this.#streamWanted) void this.#streamLoop();
  }

  async #loadStored(): Promise<void> {
    // Only when nothing better is in use: a bootstrap given in code stays until the server answers.
    if (this.#compiled !== undefined) return;
    try {
      const storage = await this.#storage;
      const stored = await storage?.load();
      if (stored && this.#compiled === undefined) this.#apply(stored.payload, 'storage', stored.etag);
    } catch (error) {
      this.#fail(error);
    }
  }

  async #register(): Promise<void> {
    try {
      await this.#request('/api/client/register', {
        method: 'POST',
        body: JSON.stringify({
          appName: this.#appName,
          instanceId: this.#instanceId,
          connectionId: this.#connectionId,
          sdkVersion: SDK_VERSION,
          strategies: [...KNOWN_STRATEGIES],
          started: new Date().toISOString(),
          interval: this.#metricsMs,
          ...platform(),
          specVersion: CLIENT_SPEC,
        }),
      });
    } catch (error) {
      this.#fail(error);
    }
  }

  #schedulePoll(): void {
    if (this.#closed || this.#refreshMs <= 0 || this.#pollStopped) return;
    // Back off after failures: interval × failures, at most 10×.
    const delay = this.#refreshMs * Math.min(10, Math.max(1, this.#pollFailures));
    this.#pollTimer = setTimeout(async () => {
      if (!this.#streamUp) await this.refresh();
      this.#schedulePoll();
    }, delay);
    unref(this.#pollTimer);
  }

  #scheduleMetrics(): void {
    if (this.#closed || this.#metricsMs <= 0) return;
    this.#metricsTimer = setTimeout(async () => {
      await this.flushMetrics();
      this.#scheduleMetrics();
    }, this.#metricsMs);
    unref(this.#metricsTimer);
  }

  async #streamLoop(): Promise<void> {
    let attempt = 0;
    while (!this.#closed && this.#streamWanted) {
      const controller = new AbortController();
      this.#streamAbort = controller;
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      let idle = false;
      const armIdleTimer = () => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => {
          idle = true;
          controller.abort();
        }, this.#streamIdleMs);
        unref(idleTimer);
      };
      try {
        const response = await this.#fetch(`${this.#base}/api/client/streaming`, {
          headers: this.#headers({
            accept: 'text/event-stream',
            ...(this.#lastEventId ? { 'last-event-id': this.#lastEventId } : {}),
          }),
          signal: controller.signal,
        });
        if ([401, 403, 404, 405, 501].includes(response.status)) {
          // No streaming here (or not for this token): polling alone from now on.
          this.#streamWanted = false;
          await response.body?.cancel();
          if (response.status === 401 || response.status === 403) {
            this.#fail(
              new HttpError(response.status, `GET ${this.#base}/api/client/streaming: HTTP ${response.status}`),
            );
          }
          break;
        }
        if (!response.ok || !response.body) {
          await response.body?.cancel();
          throw new HttpError(response.status, `GET ${this.#base}/api/client/streaming: HTTP ${response.status}`);
        }
        armIdleTimer();
        for await (const event of readEvents(response.body, { onChunk: armIdleTimer })) {
          if (event.id !== undefined) this.#lastEventId = event.id;
          if (event.event !== 'unleash-connected' && event.event !== 'unleash-updated') continue;
          this.#onStreamData(event.data);
          this.#streamUp = true;
          attempt = 0;
        }
        if (!this.#closed) throw new Error(`GET ${this.#base}/api/client/streaming: the server closed the stream`);
      } catch (error) {
        if (this.#closed) break;
        this.#fail(
          idle
            ? new Error(
                `GET ${this.#base}/api/client/streaming: nothing received for ${this.#streamIdleMs} ms; reconnecting`,
              )
            : error,
        );
      } finally {
        clearTimeout(idleTimer);
        this.#streamUp = false;
      }
      // Reconnect with capped exponential backoff and jitter; polling covers the gap.
      const delay = Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        unref(timer);
        this.#wakeStream = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  #onStreamData(data: string): void {
    let parsed: ClientFeaturesResponse | { events: DeltaEvent[] };
    try {
      parsed = JSON.parse(data);
    } catch (error) {
      this.#fail(new Error(`toggles stream: an event's data is not JSON (${(error as Error).message})`));
      return;
    }
    if (parsed && Array.isArray((parsed as { events?: unknown }).events)) {
      const base = this.#payload ?? { version: 2, features: [] };
      this.#apply(applyDeltaEvents(base, (parsed as { events: DeltaEvent[] }).events), 'stream', undefined);
      return;
    }
    this.#apply(parsed as ClientFeaturesResponse, 'stream', undefined);
  }
}

/**
 * Creates a client: it fetches the flags (`GET {url}/api/client/features` with ETag), keeps
 * them current over `/api/client/streaming` (polling while the stream is down), keeps a
 * last-known-good copy for starts while the server is unreachable, registers and sends
 * metrics in Unleash's format.
 *
 * @example
 * const client = createTogglesClient({ url: 'https://backbeat.example.com', token: process.env.TOGGLES_TOKEN!, appName: 'shop' });
 * client.on('error', (error) => logger.warn(error));
 * await client.ready();
 * client.isEnabled('checkout.v2', { userId: '42' });
 */
export function createTogglesClient(options: TogglesClientOptions): TogglesClient {
  return new Client(options);
}
