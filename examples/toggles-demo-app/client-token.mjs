/**
 * Finds the client token the demo app connects with. Backbeat shows a toggle token's
 * secret only when it is created; the demo server writes the secret of the client
 * token it seeds for `checkout` in production to a file in its data directory, and
 * the app reads it from there. A token can also be given as is, or made (and revoked
 * on exit) with an API token of an admin or an owner of the project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file the demo server writes, relative to its data directory. */
export const DEMO_TOKEN_FILE = 'demo-toggles-client-token';

/**
 * @param {{ url: string, clientToken?: string, tokenFile?: string, dataDir: string, apiToken?: string,
 *   project: string, environment: string, name: string }} input
 * @returns {Promise<{ token: string, source: string, revoke?: () => Promise<void> }>}
 */
export async function resolveClientToken(input) {
  if (input.clientToken) return { token: input.clientToken, source: 'TOGGLES_TOKEN' };
  const file = input.tokenFile ?? join(input.dataDir, DEMO_TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    const scope = `${input.project}:${input.environment}.`;
    if (!token.startsWith(scope)) {
      throw new Error(
        `${file} holds a token for ${token.split('.')[0]}, not ${scope.slice(0, -1)}; set TOGGLES_TOKEN to a client token of that project and environment.`,
      );
    }
    return { token, source: file };
  }
  if (input.apiToken) return createClientToken({ ...input, apiToken: input.apiToken });
  throw new Error(
    `No client token: ${file} does not exist. Start the demo server (npm start) from this directory, ` +
      'which writes it, or set TOGGLES_TOKEN_FILE, TOGGLES_TOKEN or BACKBEAT_TOKEN (see examples/toggles-demo-app/README.md).',
  );
}

/**
 * Fails with a clear message when the server does not know the token (revoked,
 * or from another server's data directory) or cannot be reached.
 *
 * @param {{ url: string, token: string, source: string }} input
 */
export async function checkClientToken(input) {
  let response;
  try {
    response = await fetch(`${input.url}/api/client/features`, { headers: { authorization: input.token } });
  } catch (error) {
    throw new Error(
      `No Backbeat answers at ${input.url} (${error.cause?.code ?? error.message}). Start the demo with npm start.`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new Error(
      `The server refuses the client token from ${input.source} (${response.status}: ${await problemDetail(response)}). ` +
        'A revoked demo token is replaced when the demo server starts again.',
    );
  }
  if (!response.ok)
    throw new Error(`GET /api/client/features answered ${response.status}: ${await problemDetail(response)}`);
}

/** Makes a client token with an API token (an admin's or a project owner's) and revokes it on exit. */
async function createClientToken(input) {
  const headers = {
    accept: 'application/json',
    'content-type': 'application/json',
    authorization: `Bearer ${input.apiToken}`,
  };
  const response = await fetch(`${input.url}/api/toggles/tokens`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: input.name, type: 'client', project: input.project, environment: input.environment }),
  });
  if (!response.ok) {
    throw new Error(
      `Creating a client token with BACKBEAT_TOKEN failed (${response.status}): ${await problemDetail(response)}`,
    );
  }
  const created = await response.json();
  return {
    token: created.token,
    source: 'a client token made with BACKBEAT_TOKEN',
    async revoke() {
      await fetch(`${input.url}/api/toggles/tokens/${encodeURIComponent(created.info.id)}`, {
        method: 'DELETE',
        headers,
      }).catch(() => undefined);
    },
  };
}

async function problemDetail(response) {
  const text = await response.text().catch(() => '');
  try {
    const problem = JSON.parse(text);
    return problem.detail ?? problem.title ?? text;
  } catch {
    return text.slice(0, 200) || response.statusText;
  }
}
