import {
  type ClientFeaturesResponse,
  type CompiledFeatures,
  compileFeatures,
  type EvaluationDetails,
  type ToggleContext,
} from '@backbeat/toggles-sdk';
import type { ClientScope, ClientService } from './client-service.js';

/**
 * Server-side evaluation for clients that do not evaluate themselves (the frontend
 * API, OFREP), with the SDK's evaluator so results match every SDK exactly. The
 * compiled payload is kept per scope and revision.
 *
 * @example
 * const details = await evaluation.evaluate({ project: 'checkout', environment: 'production' }, 'new-cart', { userId: '42' });
 */
export interface EvaluationService {
  compiled(scope: ClientScope): Promise<CompiledFeatures>;
  evaluate(scope: ClientScope, flag: string, context: ToggleContext): Promise<EvaluationDetails>;
  evaluateAll(scope: ClientScope, context: ToggleContext): Promise<EvaluationDetails[]>;
  /** The scope's current ETag, for bulk evaluation caching. */
  etagOf(scope: ClientScope): Promise<string>;
}

export function createEvaluationService(options: { client: ClientService }): EvaluationService {
  const { client } = options;
  const cache = new Map<string, { revision: number; compiled: CompiledFeatures }>();

  async function compiled(scope: ClientScope): Promise<CompiledFeatures> {
    const features = await client.features(scope, { inlineSegments: false });
    const key = `${scope.project}\u0000${scope.environment}`;
    const hit = cache.get(key);
    if (hit && hit.revision === features.revision) return hit.compiled;
    // The applicationHostname strategy names SDK hosts; the server's own name would be meaningless.
    const fresh = compileFeatures(features.payload as unknown as ClientFeaturesResponse, { hostname: '' });
    cache.set(key, { revision: features.revision, compiled: fresh });
    return fresh;
  }

  return {
    compiled,
    async evaluate(scope, flag, context) {
      return (await compiled(scope)).evaluate(flag, context);
    },
    async evaluateAll(scope, context) {
      const all = await compiled(scope);
      return all.names().map((name) => all.evaluate(name, context));
    },
    etagOf: (scope) => client.etagOf(scope, { inlineSegments: false }),
  };
}
