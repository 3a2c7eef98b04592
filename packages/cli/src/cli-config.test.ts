import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_URL, resolveClientSettings } from './cli-config.js';

describe('resolveClientSettings', () => {
  it('uses the default server and no token when nothing is set', () => {
    expect(resolveClientSettings({}, {})).toEqual({ serverUrl: DEFAULT_SERVER_URL, token: undefined });
  });

  it('reads BACKBEAT_URL and BACKBEAT_TOKEN, dropping trailing slashes', () => {
    expect(resolveClientSettings({}, { BACKBEAT_URL: 'https://backbeat.example.com/', BACKBEAT_TOKEN: 'env' })).toEqual(
      { serverUrl: 'https://backbeat.example.com', token: 'env' },
    );
  });

  it('lets flags win over the environment', () => {
    expect(
      resolveClientSettings(
        { server: 'http://flag:1', token: 'flag' },
        { BACKBEAT_URL: 'http://env:2', BACKBEAT_TOKEN: 'env' },
      ),
    ).toEqual({ serverUrl: 'http://flag:1', token: 'flag' });
  });
});
