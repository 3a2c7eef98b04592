import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'backbeat-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withFile(content: unknown, env: Record<string, string> = {}) {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return () => loadConfig({ env: { BACKBEAT_CONFIG: file, BACKBEAT_DATA_DIR: dir, ...env } });
}

describe('code hosts in the config file', () => {
  it('defaults to none', () => {
    expect(loadConfig({ env: { BACKBEAT_DATA_DIR: dir } }).codeHosts).toEqual([]);
  });

  it('reads each host with its token from the environment variable the file names', () => {
    const load = withFile(
      {
        codeHosts: [
          { type: 'github', url: 'https://github.com', tokenEnv: 'GH_TOKEN', limits: { contentPerMinute: 20 } },
          { type: 'gitea', url: 'https://git.example.com', apiUrl: 'https://git.example.com/api/v1', tokenEnv: 'GT' },
        ],
      },
      { GH_TOKEN: 'ghp_x', GT: 'gitea_y' },
    );
    expect(load().codeHosts).toEqual([
      { type: 'github', url: 'https://github.com', token: 'ghp_x', limits: { contentPerMinute: 20 } },
      { type: 'gitea', url: 'https://git.example.com', apiUrl: 'https://git.example.com/api/v1', token: 'gitea_y' },
    ]);
  });

  it('refuses a token written in the file, an unset variable and bad fields, naming the entry', () => {
    expect(withFile({ codeHosts: [{ type: 'github', url: 'https://github.com', token: 'ghp_x' }] })).toThrow(
      /codeHosts\[0\]\.token: put the token in an environment variable/,
    );
    expect(
      withFile({ codeHosts: [{ type: 'github', url: 'https://github.com', tokenEnv: 'NOT_SET_ANYWHERE' }] }),
    ).toThrow(/codeHosts\[0\]\.tokenEnv: the environment variable NOT_SET_ANYWHERE is not set/);
    expect(withFile({ codeHosts: [{ type: 'gitlab', url: 'https://gitlab.com', tokenEnv: 'T' }] }, { T: 'x' })).toThrow(
      /codeHosts\[0\]\.type must be "github" or "gitea"/,
    );
    expect(
      withFile(
        { codeHosts: [{ type: 'gitea', url: 'https://g.example', tokenEnv: 'T', limits: { perDay: 5 } }] },
        { T: 'x' },
      ),
    ).toThrow(/codeHosts\[0\]\.limits\.perDay is not a known limit/);
  });

  it('reads a GitHub App with its private key from an environment variable or a file beside the config', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n';
    writeFileSync(join(dir, 'app-key.pem'), pem);
    const app = { appId: 4242, installationId: '77' };
    const fromEnv = withFile(
      { codeHosts: [{ type: 'github', url: 'https://github.com', githubApp: { ...app, privateKeyEnv: 'APP_KEY' } }] },
      { APP_KEY: pem },
    );
    const expected = [
      {
        type: 'github',
        url: 'https://github.com',
        githubApp: { appId: '4242', installationId: '77', privateKey: pem },
      },
    ];
    expect(fromEnv().codeHosts).toEqual(expected);
    const fromFile = withFile({
      codeHosts: [{ type: 'github', url: 'https://github.com', githubApp: { ...app, privateKeyFile: 'app-key.pem' } }],
    });
    expect(fromFile().codeHosts).toEqual(expected);

    const at = /codeHosts\[0\]\.githubApp/;
    expect(withFile({ codeHosts: [{ type: 'github', url: 'https://github.com', githubApp: app }] })).toThrow(
      /codeHosts\[0\]\.githubApp needs privateKeyEnv or privateKeyFile/,
    );
    expect(
      withFile({
        codeHosts: [
          { type: 'github', url: 'https://github.com', githubApp: { ...app, privateKeyFile: 'missing.pem' } },
        ],
      }),
    ).toThrow(/githubApp\.privateKeyFile: .*missing\.pem does not exist/);
    expect(
      withFile(
        {
          codeHosts: [
            {
              type: 'github',
              url: 'https://github.com',
              githubApp: { appId: 1, installationId: 'abc', privateKeyEnv: 'K' },
            },
          ],
        },
        { K: pem },
      ),
    ).toThrow(/githubApp\.installationId must be the App's number/);
    const anyInstallation = withFile(
      {
        codeHosts: [{ type: 'github', url: 'https://github.com', githubApp: { appId: 'Iv23li', privateKeyEnv: 'K' } }],
      },
      { K: pem },
    );
    expect(anyInstallation().codeHosts[0]?.githubApp).toEqual({ appId: 'Iv23li', privateKey: pem });
    expect(
      withFile(
        { codeHosts: [{ type: 'gitea', url: 'https://g.example', githubApp: { ...app, privateKeyEnv: 'K' } }] },
        { K: pem },
      ),
    ).toThrow(at);
    expect(
      withFile(
        {
          codeHosts: [
            { type: 'github', url: 'https://github.com', tokenEnv: 'T', githubApp: { ...app, privateKeyEnv: 'K' } },
          ],
        },
        { K: pem, T: 'x' },
      ),
    ).toThrow(/give tokenEnv or githubApp, not both/);
  });
});
