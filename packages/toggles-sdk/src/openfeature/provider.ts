import type {
  AnyProviderEvent,
  ErrorCode,
  EvaluationContext,
  EventContext,
  EventHandler,
  FlagMetadata,
  JsonValue,
  Logger,
  Paradigm,
  Provider,
  ProviderEventEmitter,
  ProviderEvents,
  ResolutionDetails,
} from '@openfeature/server-sdk';
import { createTogglesClient, type TogglesClient, type TogglesClientOptions } from '../client/client.js';
import type { EvaluationDetails } from '../evaluator/features.js';
import type { ToggleContext, VariantPayload } from '../evaluator/types.js';

// The SDK's enums, as the string literals they stand for: only types are imported, so the
// provider adds no runtime dependency on @openfeature/server-sdk.
const CONFIGURATION_CHANGED = 'PROVIDER_CONFIGURATION_CHANGED' as ProviderEvents.ConfigurationChanged;
const FLAG_NOT_FOUND = 'FLAG_NOT_FOUND' as ErrorCode.FLAG_NOT_FOUND;
const TYPE_MISMATCH = 'TYPE_MISMATCH' as ErrorCode.TYPE_MISMATCH;
const PARSE_ERROR = 'PARSE_ERROR' as ErrorCode.PARSE_ERROR;
const PROVIDER_NOT_READY = 'PROVIDER_NOT_READY' as ErrorCode.PROVIDER_NOT_READY;

const ROOT_FIELDS = new Set(['userId', 'sessionId', 'remoteAddress', 'environment', 'appName', 'currentTime']);

/** A ProviderEventEmitter without the SDK's runtime: handlers per event type, errors isolated. */
class ProviderEmitter implements ProviderEventEmitter<AnyProviderEvent> {
  #handlers = new Map<AnyProviderEvent, EventHandler[]>();
  #logger: Logger | undefined;

  emit(eventType: AnyProviderEvent, context?: EventContext): void {
    for (const handler of this.getHandlers(eventType)) {
      try {
        const result = handler(context as never);
        if (result instanceof Promise) result.catch((error) => this.#logger?.error(error));
      } catch (error) {
        this.#logger?.error(error);
      }
    }
  }

  addHandler(eventType: AnyProviderEvent, handler: EventHandler): void {
    this.#handlers.set(eventType, [...this.getHandlers(eventType), handler]);
  }

  removeHandler(eventType: AnyProviderEvent, handler: EventHandler): void {
    this.#handlers.set(
      eventType,
      this.getHandlers(eventType).filter((h) => h !== handler),
    );
  }

  removeAllHandlers(eventType?: AnyProviderEvent): void {
    if (eventType === undefined) this.#handlers.clear();
    else this.#handlers.delete(eventType);
  }

  getHandlers(eventType: AnyProviderEvent): EventHandler[] {
    return this.#handlers.get(eventType) ?? [];
  }

  setLogger(logger: Logger): this {
    this.#logger = logger;
    return this;
  }
}

/** Options of `BackbeatProvider`: an existing client, or options to create one. */
export type BackbeatProviderOptions =
  | { client: TogglesClient; readyTimeoutMs?: number }
  | (TogglesClientOptions & { readyTimeoutMs?: number });

/**
 * Maps an OpenFeature evaluation context to a toggle context: `targetingKey` is the `userId`
 * unless one is given, the standard fields stay at the root, everything else goes into
 * `properties` as strings (dates as ISO-8601; objects and arrays are left out).
 *
 * @example
 * toToggleContext({ targetingKey: '42', tenant: 'acme' }); // { userId: '42', properties: { tenant: 'acme' } }
 */
export function toToggleContext(context: EvaluationContext): ToggleContext {
  const result: ToggleContext & Record<string, unknown> = {};
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined || value === null || key === 'targetingKey') continue;
    const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? undefined : String(value);
    if (text === undefined) continue;
    if (ROOT_FIELDS.has(key)) result[key] = text;
    else properties[key] = text;
  }
  if (result.userId === undefined && typeof context.targetingKey === 'string') result.userId = context.targetingKey;
  if (Object.keys(properties).length > 0) result.properties = properties;
  return result;
}

function metadataOf(details: EvaluationDetails, revisionId: number | undefined): FlagMetadata {
  const metadata: Record<string, string | number | boolean> = { evaluation: details.reason };
  const definition = details.definition;
  if (definition?.project) metadata.project = definition.project;
  if (definition?.type) metadata.type = definition.type;
  if (definition?.stale !== undefined) metadata.stale = definition.stale;
  if (details.strategy) metadata.strategy = details.strategy;
  if (revisionId !== undefined) metadata.revisionId = revisionId;
  return metadata;
}

type Parsed<T> = { value: T } | { errorCode: ErrorCode; message: string };

/**
 * OpenFeature server provider backed by a Backbeat toggles client: flags are evaluated locally
 * and kept current by the client's stream; `PROVIDER_CONFIGURATION_CHANGED` fires with the
 * names of the flags that changed.
 *
 * Booleans come from `isEnabled`: reason `TARGETING_MATCH` when on, `DISABLED` when the flag is
 * switched off in the environment, `DEFAULT` when no strategy matched (value false).
 * Strings, numbers and objects come from the variant's payload (`string`/`csv`, `number`,
 * `json`); a payload of another type gives `TYPE_MISMATCH`, an unparsable one `PARSE_ERROR`,
 * and a variant without payload gives its name to string flags. Unknown flags give
 * `FLAG_NOT_FOUND` and the default value.
 *
 * @example
 * import { OpenFeature } from '@openfeature/server-sdk';
 * await OpenFeature.setProviderAndWait(new BackbeatProvider({ url, token, appName: 'shop' }));
 * const flags = OpenFeature.getClient();
 * await flags.getBooleanValue('checkout.v2', false, { targetingKey: '42' });
 */
export class BackbeatProvider implements Provider {
  readonly metadata = { name: 'backbeat' } as const;
  readonly runsOn = 'server' as Paradigm;
  readonly events: ProviderEventEmitter<AnyProviderEvent> = new ProviderEmitter();
  /** The toggles client behind the provider. */
  readonly client: TogglesClient;
  readonly #ownsClient: boolean;
  readonly #readyTimeoutMs: number;
  #unsubscribe: (() => void) | undefined;

  constructor(options: BackbeatProviderOptions) {
    if ('client' in options) {
      this.client = options.client;
      this.#ownsClient = false;
    } else {
      this.client = createTogglesClient(options);
      this.#ownsClient = true;
    }
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  }

  async initialize(): Promise<void> {
    await this.client.ready(this.#readyTimeoutMs);
    let previous = this.client.features;
    this.#unsubscribe?.();
    this.#unsubscribe = this.client.on('changed', () => {
      const next = this.client.features;
      const names = new Set([...(previous?.names() ?? []), ...(next?.names() ?? [])]);
      const flagsChanged = [...names].filter(
        (name) => JSON.stringify(previous?.definition(name)) !== JSON.stringify(next?.definition(name)),
      );
      previous = next;
      if (flagsChanged.length > 0) this.events.emit(CONFIGURATION_CHANGED, { flagsChanged });
    });
  }

  async onClose(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#ownsClient) await this.client.close();
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    const failure = this.#failure(flagKey, defaultValue);
    if (failure) return failure;
    const details = this.client.evaluate(flagKey, toToggleContext(context));
    const error = this.#evaluationError(details, defaultValue);
    if (error) return error;
    const flagMetadata = metadataOf(details, this.client.features?.revisionId);
    const variant = details.variant.enabled ? details.variant.name : details.enabled ? 'enabled' : 'disabled';
    if (details.enabled) return { value: true, variant, reason: 'TARGETING_MATCH', flagMetadata };
    return { value: false, variant, reason: details.reason === 'DISABLED' ? 'DISABLED' : 'DEFAULT', flagMetadata };
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return this.#resolvePayload<string>(flagKey, defaultValue, context, (payload, variantName) => {
      if (!payload) return { value: variantName };
      if (payload.type === 'string' || payload.type === 'csv') return { value: payload.value };
      return { errorCode: TYPE_MISMATCH, message: `variant payload is ${payload.type}, not string` };
    });
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return this.#resolvePayload<number>(flagKey, defaultValue, context, (payload) => {
      if (payload?.type !== 'number') {
        return { errorCode: TYPE_MISMATCH, message: `variant payload is ${payload?.type ?? 'missing'}, not number` };
      }
      const value = payload.value.trim() === '' ? Number.NaN : Number(payload.value);
      if (Number.isNaN(value))
        return { errorCode: PARSE_ERROR, message: `not a number: ${JSON.stringify(payload.value)}` };
      return { value };
    });
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.#resolvePayload<T>(flagKey, defaultValue, context, (payload) => {
      if (payload?.type !== 'json') {
        return { errorCode: TYPE_MISMATCH, message: `variant payload is ${payload?.type ?? 'missing'}, not json` };
      }
      let value: unknown;
      try {
        value = JSON.parse(payload.value);
      } catch (error) {
        return { errorCode: PARSE_ERROR, message: `invalid JSON payload: ${(error as Error).message}` };
      }
      if (value === null || typeof value !== 'object') {
        return { errorCode: TYPE_MISMATCH, message: 'json payload is not an object or array' };
      }
      return { value: value as T };
    });
  }

  async #resolvePayload<T>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    parse: (payload: VariantPayload | undefined, variantName: string) => Parsed<T>,
  ): Promise<ResolutionDetails<T>> {
    const failure = this.#failure(flagKey, defaultValue);
    if (failure) return failure;
    const details = this.client.evaluate(flagKey, toToggleContext(context));
    const error = this.#evaluationError(details, defaultValue);
    if (error) return error;
    const flagMetadata = metadataOf(details, this.client.features?.revisionId);
    if (!details.enabled) {
      return {
        value: defaultValue,
        variant: 'disabled',
        reason: details.reason === 'DISABLED' ? 'DISABLED' : 'DEFAULT',
        flagMetadata,
      };
    }
    if (!details.variant.enabled) return { value: defaultValue, reason: 'DEFAULT', flagMetadata };
    const parsed = parse(details.variant.payload, details.variant.name);
    if ('errorCode' in parsed) {
      return {
        value: defaultValue,
        reason: 'ERROR',
        errorCode: parsed.errorCode,
        errorMessage: `${flagKey}: ${parsed.message}`,
        flagMetadata,
      };
    }
    return { value: parsed.value, variant: details.variant.name, reason: 'SPLIT', flagMetadata };
  }

  #failure<T>(flagKey: string, defaultValue: T): ResolutionDetails<T> | undefined {
    const features = this.client.features;
    if (features === undefined) {
      return {
        value: defaultValue,
        reason: 'ERROR',
        errorCode: PROVIDER_NOT_READY,
        errorMessage: 'no flags loaded yet',
      };
    }
    if (!features.has(flagKey)) {
      return {
        value: defaultValue,
        reason: 'ERROR',
        errorCode: FLAG_NOT_FOUND,
        errorMessage: `flag ${flagKey} not found`,
      };
    }
    return undefined;
  }

  #evaluationError<T>(details: EvaluationDetails, defaultValue: T): ResolutionDetails<T> | undefined {
    if (details.reason !== 'ERROR') return undefined;
    const issue = this.client.features?.issues.find((i) => i.feature === details.name && i.severity === 'error');
    return {
      value: defaultValue,
      reason: 'ERROR',
      errorCode: PARSE_ERROR,
      errorMessage: issue ? `${issue.field}: ${issue.message}` : `flag ${details.name} could not be compiled`,
    };
  }
}
