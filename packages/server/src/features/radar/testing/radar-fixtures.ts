import type { Actor } from '../../../platform/auth/actor.js';
import { silentLogger } from '../../../platform/logging.js';
import type { JobHandler, JobQueue } from '../../../platform/queue/job-queue.js';

/** A signed-in person who is not an admin. */
export const MEMBER: Actor = {
  kind: 'user',
  id: 'u-1',
  userRef: 'user:default/jane',
  displayName: 'Jane',
  isAdmin: false,
  scopes: ['read', 'write'],
};

export const ADMIN: Actor = {
  kind: 'user',
  id: 'admin',
  userRef: 'user:default/admin',
  displayName: 'Admin',
  isAdmin: true,
  scopes: ['read', 'write', 'admin'],
};

/** A queue that runs nothing by itself: a test runs a registered job by name when it wants to. */
export function createIdleQueue(): JobQueue & { run(name: string): Promise<void> } {
  const handlers = new Map<string, JobHandler<unknown>>();
  return {
    async run(name) {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`No job ${name} was registered`);
      await handler(undefined, { jobId: 'test', attempt: 1, maxAttempts: 1, log: silentLogger() });
    },
    register(name, handler) {
      handlers.set(name, handler as JobHandler<unknown>);
    },
    async enqueue() {},
    schedule() {},
    async start() {},
    async stop() {},
    async stats() {
      return { waiting: 0, running: 0, failed: 0 };
    },
  };
}

/** A Component descriptor owned by `owner`, as YAML; `repository` sets where its code lives. */
export function componentYaml(name: string, owner: string, repository?: string): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    ...(repository ? ['  annotations:', `    backbeat.dev/repository: "${repository}"`] : []),
    'spec:',
    '  type: service',
    '  lifecycle: production',
    `  owner: ${owner}`,
    '',
  ].join('\n');
}
