import type { ClientFeaturesResponse, FeatureDefinition, SegmentDefinition } from './types.js';

/**
 * One event of Unleash's delta format (`GET /api/client/delta`, streaming `unleash-updated`).
 *
 * @example
 * const event: DeltaEvent = { eventId: 3, type: 'feature-removed', featureName: 'old-flag', project: 'default' };
 */
export type DeltaEvent =
  | { eventId: number; type: 'hydration'; features: FeatureDefinition[]; segments?: SegmentDefinition[] }
  | { eventId: number; type: 'feature-updated'; feature: FeatureDefinition }
  | { eventId: number; type: 'feature-removed'; featureName: string; project?: string }
  | { eventId: number; type: 'segment-updated'; segment: SegmentDefinition }
  | { eventId: number; type: 'segment-removed'; segmentId: number };

/**
 * Applies delta events, in order, to a payload and returns the new payload (the input is not
 * changed). Unknown event types are skipped.
 *
 * @example
 * const next = applyDeltaEvents({ version: 2, features: [] }, [
 *   { eventId: 1, type: 'feature-updated', feature: { name: 'a', enabled: true, strategies: [] } },
 * ]);
 * next.features.map((f) => f.name); // ['a']
 */
export function applyDeltaEvents(base: ClientFeaturesResponse, events: DeltaEvent[]): ClientFeaturesResponse {
  const features = new Map(base.features.map((f) => [f.name, f]));
  const segments = new Map((base.segments ?? []).map((s) => [s.id, s]));
  let revisionId = base.meta?.revisionId;
  for (const event of events) {
    switch (event.type) {
      case 'hydration':
        features.clear();
        segments.clear();
        for (const f of event.features) features.set(f.name, f);
        for (const s of event.segments ?? []) segments.set(s.id, s);
        break;
      case 'feature-updated':
        features.set(event.feature.name, event.feature);
        break;
      case 'feature-removed':
        features.delete(event.featureName);
        break;
      case 'segment-updated':
        segments.set(event.segment.id, event.segment);
        break;
      case 'segment-removed':
        segments.delete(event.segmentId);
        break;
    }
    if (typeof event.eventId === 'number') revisionId = event.eventId;
  }
  return {
    version: base.version,
    features: [...features.values()],
    segments: [...segments.values()],
    meta: { ...base.meta, revisionId },
  };
}
