import type { ClientFeature, ClientFeaturesPayload, ClientSegment } from '../model/client-payload.js';

/** One event of Unleash's delta format, as its SDKs apply them in streaming mode. */
export type ClientDeltaEvent =
  | { eventId: number; type: 'feature-updated'; feature: ClientFeature }
  | { eventId: number; type: 'feature-removed'; featureName: string; project: string }
  | { eventId: number; type: 'segment-updated'; segment: ClientSegment }
  | { eventId: number; type: 'segment-removed'; segmentId: number };

/**
 * The delta events that turn payload `before` into `after`: changed and new features
 * and segments, and removed ones. Segments come first so features that name a new
 * segment find it. Empty when nothing in the payload changed.
 *
 * @example
 * const events = clientDelta(previous.payload, next.payload);
 * if (events.length > 0) send(JSON.stringify({ events }));
 */
export function clientDelta(before: ClientFeaturesPayload, after: ClientFeaturesPayload): ClientDeltaEvent[] {
  const eventId = after.meta.revisionId;
  const events: ClientDeltaEvent[] = [];
  const oldSegments = new Map((before.segments ?? []).map((s) => [s.id, JSON.stringify(s)]));
  const newSegmentIds = new Set<number>();
  for (const segment of after.segments ?? []) {
    newSegmentIds.add(segment.id);
    if (oldSegments.get(segment.id) !== JSON.stringify(segment)) {
      events.push({ eventId, type: 'segment-updated', segment });
    }
  }
  const oldFeatures = new Map(before.features.map((f) => [f.name, f]));
  const newNames = new Set<string>();
  for (const feature of after.features) {
    newNames.add(feature.name);
    const old = oldFeatures.get(feature.name);
    if (!old || JSON.stringify(old) !== JSON.stringify(feature)) {
      events.push({ eventId, type: 'feature-updated', feature });
    }
  }
  for (const old of before.features) {
    if (!newNames.has(old.name)) {
      events.push({ eventId, type: 'feature-removed', featureName: old.name, project: old.project });
    }
  }
  for (const id of oldSegments.keys()) {
    if (!newSegmentIds.has(id)) events.push({ eventId, type: 'segment-removed', segmentId: id });
  }
  return events;
}
