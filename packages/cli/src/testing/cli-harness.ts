import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from '../cli-io.js';
import { runCli } from '../program.js';

/** Output collected from one in-process run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** An in-memory CliIo whose output can be read while a command is still running. */
export function captureIo(options: Partial<CliIo> = {}): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const io: CliIo = {
    env: {},
    ...options,
    stdout: {
      write: (chunk: string) => {
        out += chunk;
        return true;
      },
    },
    stderr: {
      write: (chunk: string) => {
        err += chunk;
        return true;
      },
    },
  };
  return { io, stdout: () => out, stderr: () => err };
}

/** Runs one command line in-process and returns its exit code and output. */
export async function runForTest(argv: string[], options: Partial<CliIo> = {}): Promise<CliRun> {
  const { io, stdout, stderr } = captureIo(options);
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface CannedResponse {
  status?: number;
  contentType?: string;
  body?: unknown;
}

/**
 * A stand-in for the Backbeat HTTP API: answers each request with what `reply`
 * returns and records what was sent, so tests check the CLI's side of the contract.
 */
export async function startFakeServer(reply: (request: RecordedRequest) => CannedResponse): Promise<{
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      requests.push(recorded);
      const answer = reply(recorded);
      const status = answer.status ?? 200;
      if (answer.body === undefined) {
        res.writeHead(status).end();
        return;
      }
      res
        .writeHead(status, { 'content-type': answer.contentType ?? 'application/json' })
        .end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
