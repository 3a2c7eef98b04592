import { describe, expect, it } from 'vitest';
import { RateBudgets } from './rate-budget.js';
import { createCodeHostResolver } from './resolver.js';

describe('code host resolver', () => {
  const deps = { budgets: new RateBudgets() };

  it("picks the configured host by the repository URL's host; everything else uses the embedded git host", () => {
    const resolver = createCodeHostResolver(
      [
        { type: 'github', url: 'https://github.com', token: 'a' },
        { type: 'gitea', url: 'https://git.example.com:3000', token: 'b' },
      ],
      deps,
    );
    expect(resolver.forRepository('https://github.com/org/web.git').kind).toBe('github');
    expect(resolver.forRepository('git@github.com:org/web.git').kind).toBe('github');
    expect(resolver.forRepository('https://git.example.com:3000/org/web.git').kind).toBe('gitea');
    expect(resolver.forRepository('https://git.example.com/org/web.git').kind).toBe('git');
    expect(resolver.forRepository('https://gitlab.com/org/web.git').kind).toBe('git');
    expect(resolver.forRepository('/srv/git/web.git').kind).toBe('git');
    expect(resolver.forRepository('https://github.com/org/web.git')).toBe(
      resolver.forRepository('https://github.com/org/api.git'),
    );
  });

  it('refuses two hosts for one host name', () => {
    expect(() =>
      createCodeHostResolver(
        [
          { type: 'github', url: 'https://github.com', token: 'a' },
          { type: 'gitea', url: 'https://github.com/', token: 'b' },
        ],
        deps,
      ),
    ).toThrow(/Two code hosts are configured for github.com/);
  });
});
