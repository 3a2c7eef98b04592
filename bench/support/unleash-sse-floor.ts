/**
 * The floor of streaming a flag change on this machine: a bare `node:http` server
 * speaking just enough of Unleash's streaming endpoint (`unleash-connected`, then
 * `unleash-updated`) for the benchmark's clients. A flip (`POST /flip?enabled=true`)
 * changes the flag in the payload, serializes and encodes the event once and writes
 * the same bytes to every connection. No database, no auth, no framework: what is
 * left is the work any server must do, so it bounds what Backbeat can reach here.
 * With `delta`, an update carries only the changed flag, in the delta format of
 * Unleash's streaming (`{ events: [{ type: 'feature-updated', feature }] }`), which
 * unleash-client 6 accepts as well as a full payload.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SseFloorServer {
  url: string;
  close(): Promise<void>;
}

/**
 * @example
 * const floor = await startSseFloor({ payload, flag: 'bench-flag-00' });
 * await fetch(`${floor.url}/flip?enabled=false`, { method: 'POST' });
 */
export async function startSseFloor(input: {
  payload: { features: { name: string; enabled: boolean }[] };
  flag: string;
  delta?: boolean;
}): Promise<SseFloorServer> {
  const payload = structuredClone(input.payload);
  const feature = payload.features.find((f) => f.name === input.flag);
  if (!feature) throw new Error(`No flag ${input.flag} in the payload`);
  const streams = new Set<ServerResponse>();
  let revision = 1;
  const frame = (event: string) => {
    const data =
      input.delta && event === 'unleash-updated'
        ? { events: [{ eventId: revision, type: 'feature-updated', feature }] }
        : payload;
    return Buffer.from(`event: ${event}\nid: ${revision}\ndata: ${JSON.stringify(data)}\n\n`, 'utf8');
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/api/client/streaming')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(frame('unleash-connected'));
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'POST' && req.url?.startsWith('/flip')) {
      feature.enabled = new URL(req.url, 'http://floor').searchParams.get('enabled') === 'true';
      revision++;
      const bytes = frame('unleash-updated');
      for (const stream of streams) stream.write(bytes);
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.destroy();
        server.close(() => resolve());
      }),
  };
}
