import type { CodeHost, CodeHostResolver } from './code-host.js';
import { createGitCodeHost } from './git-code-host.js';
import { createGiteaCodeHost } from './gitea-code-host.js';
import { createGitHubCodeHost } from './github-code-host.js';
import type { HostedCodeHostConfig, HostedCodeHostDeps } from './hosted-code-host.js';
import { repositoryHost } from './hosted-repository.js';

/** One configured hosted code host. */
export interface CodeHostConfig extends HostedCodeHostConfig {
  type: 'github' | 'gitea';
}

/**
 * Picks each repository's code host by the host name in its URL: a repository on a
 * configured host's `url` host goes through that host's API; local paths and every
 * other remote use the embedded git host.
 *
 * @example
 * const codeHosts = createCodeHostResolver([{ type: 'github', url: 'https://github.com', token }]);
 * codeHosts.forRepository('https://github.com/org/web.git').kind // 'github'
 * codeHosts.forRepository('/srv/git/web.git').kind // 'git'
 */
export function createCodeHostResolver(
  hosts: readonly CodeHostConfig[],
  deps: HostedCodeHostDeps = {},
): CodeHostResolver {
  const git = createGitCodeHost();
  const byHost = new Map<string, CodeHost>();
  for (const config of hosts) {
    const host = new URL(config.url).host.toLowerCase();
    if (byHost.has(host)) throw new Error(`Two code hosts are configured for ${host}; keep one`);
    byHost.set(host, config.type === 'github' ? createGitHubCodeHost(config, deps) : createGiteaCodeHost(config, deps));
  }
  return {
    forRepository(repository) {
      const host = repositoryHost(repository);
      return (host && byHost.get(host)) || git;
    },
  };
}
