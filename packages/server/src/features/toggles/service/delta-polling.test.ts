import { describe, expect, it } from 'vitest';
import type { ClientFeaturesPayload } from '../model/client-payload.js';
import type { ClientFeatures, ClientScope, ClientService } from './client-service.js';
import { createDeltaPolling } from './delta-polling.js';

const SCOPE: ClientScope = { project: 'checkout', environment: 'production' };

/** A client service whose payload is one flag, `step`, renamed at every revision. */
function changingClient() {
  let revision = 1;
  const features = async (): Promise<ClientFeatures> => {
    const payload: ClientFeaturesPayload = {
      version: 2,
      features: [{ name: `flag-${revision}`, enabled: true, project: 'checkout', strategies: [] }],
      segments: [],
      meta: { revisionId: revision, etag: '', queryHash: '' },
    } as unknown as ClientFeaturesPayload;
    const body = JSON.stringify(payload);
    return { payload, body, content: body, etag: '', revision };
  };
  return {
    client: { features } as unknown as ClientService,
    bump: () => {
      revision++;
    },
  };
}

describe('delta polling', () => {
  it('answers a recent ETag with a delta and one it no longer keeps with a hydration', async () => {
    const { client, bump } = changingClient();
    const delta = createDeltaPolling(client);
    const etags: string[] = [];
    for (let i = 0; i < 10; i++) {
      etags.push((await delta.poll(SCOPE, etags.at(-1))).etag);
      bump();
    }
    // Eight payloads are kept: the newest ETags get deltas, the first ones a hydration.
    const recent = await delta.poll(SCOPE, etags.at(-1));
    expect(recent.status === 200 && recent.body.events.map((e) => e.type)).toEqual([
      'feature-updated',
      'feature-removed',
    ]);
    const evicted = await delta.poll(SCOPE, etags[0]);
    expect(evicted.status === 200 && evicted.body.events.map((e) => e.type)).toEqual(['hydration']);
    const current = await delta.poll(SCOPE, evicted.etag);
    expect(current.status).toBe(304);
  });
});
