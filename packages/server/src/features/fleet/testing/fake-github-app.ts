import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';

/**
 * The GitHub App side of the fake forge: an App with a fresh RSA key pair that issues
 * installation tokens for a JWT signed with its private key (checked as GitHub does:
 * RS256 signature, `iss`, and a lifetime of at most ten minutes that has begun and not
 * ended), and accepts those tokens until they expire.
 */
export interface FakeGitHubApp {
  appId: string;
  installationId: string;
  /** PEM, for the code host's configuration. */
  privateKey: string;
  /** Answers `POST /app/installations/{id}/access_tokens`. */
  issue(installationId: string, authorization: string | undefined): [number, unknown];
  /** Whether a token is one this App issued and it has not expired. */
  accepts(token: string): boolean;
  /** How many installation tokens were issued. */
  readonly issued: number;
}

/**
 * @example
 * const app = createFakeGitHubApp({ tokenLifetimeSeconds: 2 });
 * const forge = await startFakeForge({ githubApp: app });
 */
export function createFakeGitHubApp(options: { tokenLifetimeSeconds?: number } = {}): FakeGitHubApp {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appId = '4242';
  const installationId = '77';
  const lifetimeMs = (options.tokenLifetimeSeconds ?? 3600) * 1000;
  const tokens = new Map<string, number>();
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
    installationId,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    issue(id, authorization) {
      const problem = jwtProblem(authorization);
      if (problem) return [401, { message: problem }];
      if (id !== installationId) return [404, { message: 'Not Found' }];
      const token = `ghs_fake${randomBytes(12).toString('hex')}`;
      const expiresAt = Date.now() + lifetimeMs;
      tokens.set(token, expiresAt);
      issued++;
      return [201, { token, expires_at: new Date(expiresAt).toISOString() }];
    },
    accepts(token) {
      const expiresAt = tokens.get(token);
      return expiresAt !== undefined && expiresAt > Date.now();
    },
    get issued() {
      return issued;
    },
  };
}
