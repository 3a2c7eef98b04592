import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTogglesServer, type TogglesServer } from './testing/toggles-server.js';

/** Server-Sent Events of a response, one `{ event, data }` at a time (comments skipped). */
async function* readEvents(response: Response): AsyncGenerator<{ event: string; data: string }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    let end = buffer.indexOf('\n\n');
    while (end < 0) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      end = buffer.indexOf('\n\n');
    }
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
    }
    if (fields.event || fields.data) yield { event: fields.event ?? 'message', data: fields.data ?? '' };
  }
}

describe('kill switch over the stream', () => {
  let server: TogglesServer;
  let token: string;

  beforeAll(async () => {
    server = await startTogglesServer();
    await server.api('POST', '/api/toggles/projects', { key: 'checkout', name: 'Checkout' });
    await server.api('POST', '/api/toggles/projects/checkout/flags', { name: 'new-cart' });
    await server.api('POST', '/api/toggles/projects/checkout/flags/new-cart/environments/production/on');
    token = await server.clientToken('checkout', 'stream');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('pushes the kill to a connected streaming client as its next event', async () => {
    const response = await fetch(`${server.baseUrl}/api/client/streaming`, { headers: { authorization: token } });
    const events = readEvents(response);
    const connected = (await events.next()).value;
    expect(connected?.event).toBe('unleash-connected');
    // The connected event holds the full payload, updates hold delta events.
    const enabledOf = (data: string) => {
      const parsed = JSON.parse(data);
      const features = parsed.features ?? parsed.events.map((e: { feature?: unknown }) => e.feature);
      return features.find((f: { name: string }) => f?.name === 'new-cart').enabled;
    };
    expect(enabledOf(connected?.data ?? '{}')).toBe(true);

    const kill = await server.api('POST', '/api/toggles/projects/checkout/flags/new-cart/kill', {
      reason: 'errors spiking',
    });
    expect(kill.status).toBe(200);
    const updated = (await events.next()).value;
    expect(updated?.event).toBe('unleash-updated');
    expect(enabledOf(updated?.data ?? '{}')).toBe(false);
  });
});
