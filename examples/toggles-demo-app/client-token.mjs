/**
 * Gets a client token for the demo app. Backbeat shows a toggle token's secret only
 * when it is created, so the app makes its own through the admin API (and revokes it
 * when it stops), signed in with an API token when one is given, else as the demo
 * user (one-click sign-in exists only on a demo server).
 */

/**
 * @param {{ url: string, apiToken?: string, project: string, environment: string, name: string }} input
 * @returns {Promise<{ token: string, revoke: () => Promise<void> }>}
 */
export async function createClientToken(input) {
  const headers = { accept: 'application/json', 'content-type': 'application/json' };
  if (input.apiToken) headers.authorization = `Bearer ${input.apiToken}`;
  else headers.cookie = await demoSession(input.url);

  const response = await fetch(`${input.url}/api/toggles/tokens`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: input.name, type: 'client', project: input.project, environment: input.environment }),
  });
  if (!response.ok) {
    const detail = await problemDetail(response);
    const hint =
      response.status === 403 && !input.apiToken
        ? ' The demo user may not make tokens for this project: set BACKBEAT_TOKEN to an admin API token, or TOGGLES_TOKEN to a client token.'
        : '';
    throw new Error(`Creating a client token failed (${response.status}): ${detail}.${hint}`);
  }
  const created = await response.json();
  return {
    token: created.token,
    async revoke() {
      await fetch(`${input.url}/api/toggles/tokens/${encodeURIComponent(created.info.id)}`, {
        method: 'DELETE',
        headers,
      }).catch(() => undefined);
    },
  };
}

/** Signs in with the demo button's endpoint and returns the session cookie. */
async function demoSession(url) {
  let response;
  try {
    response = await fetch(`${url}/api/auth/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  } catch (error) {
    throw new Error(
      `No Backbeat answers at ${url} (${error.cause?.code ?? error.message}). Start the demo with npm start.`,
    );
  }
  if (!response.ok) {
    throw new Error(
      `Demo sign-in failed (${response.status}): ${await problemDetail(response)}. ` +
        'Is this a demo server? Otherwise set BACKBEAT_TOKEN or TOGGLES_TOKEN.',
    );
  }
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('Demo sign-in answered without a session cookie');
  return cookie;
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
