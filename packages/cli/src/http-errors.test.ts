import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CannedResponse, runForTest, startFakeServer } from './testing/cli-harness.js';

/** A loopback port with nothing listening on it: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('server errors', () => {
  let server: Awaited<ReturnType<typeof startFakeServer>>;
  let next: CannedResponse;

  beforeAll(async () => {
    server = await startFakeServer(() => next);
  });
  afterAll(async () => {
    await server.close();
  });

  it('prints a problem document’s detail and field errors and exits 1', async () => {
    next = {
      status: 400,
      contentType: 'application/problem+json',
      body: {
        type: 'https://backbeat.dev/problems/validation',
        title: 'Invalid input',
        status: 400,
        detail: 'The location has invalid options',
        errors: [
          { field: 'options.path', message: 'must be a glob relative to the repository' },
          { field: 'target', message: 'must not be empty' },
        ],
      },
    };
    const run = await runForTest(['catalog', 'register', 'x', '--path', '/etc/*'], {
      env: { BACKBEAT_URL: server.url },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'Error: The location has invalid options',
        '  options.path: must be a glob relative to the repository',
        '  target: must not be empty',
        '',
      ].join('\n'),
    );
  });

  it('prints the problem as JSON on stderr with --json', async () => {
    next = {
      status: 404,
      contentType: 'application/problem+json',
      body: {
        type: 'https://backbeat.dev/problems/not-found',
        title: 'Not found',
        status: 404,
        detail: 'No entity component:default/nope',
      },
    };
    const run = await runForTest(['catalog', 'get', 'nope', '--json'], { env: { BACKBEAT_URL: server.url } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toEqual({
      error: {
        type: 'https://backbeat.dev/problems/not-found',
        title: 'Not found',
        status: 404,
        detail: 'No entity component:default/nope',
      },
    });
  });

  it('tells how to send a token when the server wants one', async () => {
    next = {
      status: 401,
      contentType: 'application/problem+json',
      body: { title: 'Not signed in', status: 401, detail: 'Sign in or send an API token' },
    };
    const run = await runForTest(['audit', 'list'], { env: { BACKBEAT_URL: server.url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Sign in or send an API token');
    expect(run.stderr).toContain('--token <token> or BACKBEAT_TOKEN');
  });

  it('falls back to the HTTP status when the error body is not a problem document', async () => {
    next = { status: 502, contentType: 'text/html', body: '<html>Bad gateway</html>' };
    const run = await runForTest(['catalog', 'locations'], { env: { BACKBEAT_URL: server.url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/GET \/api\/catalog\/location-status failed with HTTP 502/);
  });

  it('says the server is not reachable, where, and how to start it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runForTest(['catalog', 'list'], { env: { BACKBEAT_URL: url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Error: The Backbeat server is not reachable at ${url} (ECONNREFUSED).`);
    expect(run.stderr).toContain('backbeat serve');

    const json = await runForTest(['catalog', 'list', '--json'], { env: { BACKBEAT_URL: url } });
    expect(JSON.parse(json.stderr)).toEqual({
      error: { message: `The Backbeat server is not reachable at ${url}`, code: 'ECONNREFUSED' },
    });
  });
});
