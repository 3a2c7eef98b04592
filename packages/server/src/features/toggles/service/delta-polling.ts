import type { ClientFeature, ClientFeaturesPayload, ClientSegment } from '../model/client-payload.js';
import { type ClientDeltaEvent, clientDelta } from './client-delta.js';
import { type ClientScope, type ClientService, queryHashOf } from './client-service.js';

/** The first answer to a client, and to one whose ETag names a payload this process no longer keeps. */
export interface HydrationEvent {
  eventId: number;
  type: 'hydration';
  features: ClientFeature[];
  segments: ClientSegment[];
}

export type DeltaPollAnswer =
  | { status: 304; etag: string }
  | { status: 200; etag: string; body: { events: (ClientDeltaEvent | HydrationEvent)[] } };

/** Payloads handed out per scope, newest last: a client's next poll names one of them. */
const KEPT_PER_SCOPE = 8;
const KEPT_SCOPES = 256;

/**
 * Unleash's delta polling (`GET /api/client/delta`, unleash-client's
 * `experimentalMode: { type: 'polling', format: 'delta' }`): the first poll gets a
 * `hydration` event with the whole payload; later polls send back the ETag they were
 * given and get only the events that turn that payload into the current one, or a
 * 304 when it is current. The ETag names the revision the client holds; this process
 * keeps the last payloads it handed out per scope, and a poll naming one it does not
 * keep (another server process answered it, or it is old) is hydrated again.
 *
 * @example
 * const delta = createDeltaPolling(client);
 * const answer = await delta.poll(scope, c.req.header('if-none-match'));
 */
export function createDeltaPolling(client: ClientService) {
  const handedOut = new Map<string, Map<number, ClientFeaturesPayload>>();
  const keyOf = (scope: ClientScope) => `${scope.project}\u0000${scope.environment}`;

  function etagOf(scope: ClientScope, revision: number): string {
    return `"${queryHashOf(scope, false)}:${revision}:delta"`;
  }

  /** The revision an If-None-Match header names for this scope, if it is one of ours. */
  function revisionIn(scope: ClientScope, ifNoneMatch: string | undefined): number | undefined {
    const match = /^(?:W\/)?"([0-9a-f]+):(\d+):delta"$/.exec(ifNoneMatch?.trim() ?? '');
    if (!match || match[1] !== queryHashOf(scope, false)) return undefined;
    return Number(match[2]);
  }

  function remember(scope: ClientScope, revision: number, payload: ClientFeaturesPayload): void {
    const key = keyOf(scope);
    const kept = handedOut.get(key) ?? new Map<number, ClientFeaturesPayload>();
    handedOut.delete(key);
    handedOut.set(key, kept);
    kept.delete(revision);
    kept.set(revision, payload);
    for (const oldest of kept.keys()) {
      if (kept.size <= KEPT_PER_SCOPE) break;
      kept.delete(oldest);
    }
    for (const oldest of handedOut.keys()) {
      if (handedOut.size <= KEPT_SCOPES) break;
      handedOut.delete(oldest);
    }
  }

  return {
    /** The answer to one poll of `scope`, whose client sent `ifNoneMatch`; `namePrefix` narrows it as on /features. */
    async poll(scope: ClientScope, ifNoneMatch: string | undefined, namePrefix?: string): Promise<DeltaPollAnswer> {
      const current = await client.features(scope, { inlineSegments: false });
      const etag = etagOf(scope, current.revision);
      const known = revisionIn(scope, ifNoneMatch);
      if (known === current.revision) return { status: 304, etag };
      const narrow = (payload: ClientFeaturesPayload) =>
        namePrefix ? { ...payload, features: payload.features.filter((f) => f.name.startsWith(namePrefix)) } : payload;
      const held = known === undefined ? undefined : handedOut.get(keyOf(scope))?.get(known);
      remember(scope, current.revision, current.payload);
      const now = narrow(current.payload);
      if (held) {
        // Possibly no events (a change in another scope moved the revision): the new
        // ETag still lets the next poll be answered by a plain comparison.
        return { status: 200, etag, body: { events: clientDelta(narrow(held), now) } };
      }
      const hydration: HydrationEvent = {
        eventId: current.revision,
        type: 'hydration',
        features: now.features,
        segments: now.segments ?? [],
      };
      return { status: 200, etag, body: { events: [hydration] } };
    },
  };
}
