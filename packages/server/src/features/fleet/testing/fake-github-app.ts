import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';

/**
 * The GitHub App side of the fake forge: an App with a fresh RSA key pair that issues
 * installation tokens for a JWT signed with its private key (checked as GitHub does:
 * RS256 signature, `iss`, and a lifetime of at most ten minutes that has begun and not
 * ended), and accepts those tokens until they expire.
 */
export interface FakeGitHubApp {
  appId: string;
  /** The installation on the first account. */
  installationId: string;
  /** PEM, for the code host's configuration. */
  privateKey: string;
  /** Answers `POST /app/installations/{id}/access_tokens`. */
  issue(installationId: string, authorization: string | undefined): [number, unknown];
  /** Answers `GET /repos/{owner}/{repo}/installation`. */
  installationOn(owner: string, authorization: string | undefined): [number, unknown];
  /** Whether a token is one this App issued for an installation on `owner` and it has not expired. */
  accepts(token: string, owner?: string): boolean;
  /** Installs the App on `owner` under `installationId`, replacing an earlier installation there. */
  install(owner: string, installationId: string): void;
  /** How many installation tokens were issued. */
  readonly issued: number;
}

/**
 * @example
 * const app = createFakeGitHubApp({ installations: { org: '77', labs: '78' } });
 * const forge = await startFakeForge({ githubApp: app });
 */
export function createFakeGitHubApp(
  options: { tokenLifetimeSeconds?: number; installations?: Record<string, string> } = {},
): FakeGitHubApp {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appId = '4242';
  const installations = { ...(options.installations ?? { org: '77' }) };
  const lifetimeMs = (options.tokenLifetimeSeconds ?? 3600) * 1000;
  const tokens = new Map<string, { expiresAt: number; installationId: string }>();
  let issued = 0;

  function jwtProblem(authorization: string | undefined): string | undefined {
    const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
    if (!match) return 'A JSON web token could not be decoded';
    const [, header, payload, signature] = match as unknown as [string, string, string, string];
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) return 'A JSON web token could not be decoded';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== appId) return "'Issuer' claim ('iss') must be the App's id";
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return 'Missing iat or exp';
    if (claims.iat > now + 60 || claims.exp <= now) return "'Expiration time' claim ('exp') is not valid now";
    if (claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
    return undefined;
  }

  return {
    appId,
    installationId: Object.values(installations)[0] as string,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    issue(id, authorization) {
      const problem = jwtProblem(authorization);
      if (problem) return [401, { message: problem }];
      if (!Object.values(installations).includes(id)) return [404, { message: 'Not Found' }];
      const token = `ghs_fake${randomBytes(12).toString('hex')}`;
      const expiresAt = Date.now() + lifetimeMs;
      tokens.set(token, { expiresAt, installationId: id });
      issued++;
      return [201, { token, expires_at: new Date(expiresAt).toISOString() }];
    },
    installationOn(owner, authorization) {
      const problem = jwtProblem(authorization);
      if (problem) return [401, { message: problem }];
      const id = installations[owner];
      return id ? [200, { id: Number(id), account: { login: owner } }] : [404, { message: 'Not Found' }];
    },
    accepts(token, owner) {
      const held = tokens.get(token);
      if (!held || held.expiresAt <= Date.now()) return false;
      return owner === undefined || installations[owner] === held.installationId;
    },
    install(owner, id) {
      installations[owner] = id;
    },
    get issued() {
      return issued;
    },
  };
}
