import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientFeaturesResponse } from '../../evaluator/types.js';

// A small stand-in for the toggles server, enough for the client's own tests.
export interface FakeServer {
  url: string;
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  setFeatures(payload: ClientFeaturesResponse, etag: string): void;
  /** Sends an SSE event to every open stream. */
  push(event: string, payload: unknown, id?: string): void;
  streams(): number;
  endStreams(): void;
  streamStatus: number;
  close(): Promise<void>;
}

export const TOKEN = 'default:development.secret';

export async function startFakeServer(initial: ClientFeaturesResponse, initialEtag: string): Promise<FakeServer> {
  let features = initial;
  let etag = initialEtag;
  const open = new Set<ServerResponse>();
  const requests: FakeServer['requests'] = [];
  const fake = {} as FakeServer;
  fake.streamStatus = 200;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      if (req.headers.authorization !== TOKEN) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad token"}');
        return;
      }
      if (path === '/api/client/features') {
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify(features));
        return;
      }
      if (path === '/api/client/streaming') {
        if (fake.streamStatus !== 200) {
          res.writeHead(fake.streamStatus).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(`: hello\n\nevent: unleash-connected\nid: 1\ndata: ${JSON.stringify(features)}\n\n`);
        open.add(res);
        res.on('close', () => open.delete(res));
        return;
      }
      if (path === '/api/client/metrics' || path === '/api/client/register') {
        res.writeHead(202).end();
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    requests,
    setFeatures(payload: ClientFeaturesResponse, nextEtag: string) {
      features = payload;
      etag = nextEtag;
    },
    push(event: string, payload: unknown, id?: string) {
      // Split across writes and with CRLF line ends, as proxies may deliver it.
      const text = `event: ${event}\r\n${id ? `id: ${id}\r\n` : ''}data: ${JSON.stringify(payload)}\r\n\r\n`;
      for (const res of open) {
        res.write(text.slice(0, 10));
        res.write(text.slice(10));
      }
    },
    streams: () => open.size,
    endStreams() {
      for (const res of open) res.end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
