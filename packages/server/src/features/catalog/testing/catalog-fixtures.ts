import type { Actor } from '../../../platform/auth/actor.js';
import type { EnqueueOptions, JobHandler, JobQueue } from '../../../platform/queue/job-queue.js';

/** A JobQueue that records what was enqueued and lets a test run handlers by hand. */
export interface RecordingQueue extends JobQueue {
  enqueued: { name: string; payload: unknown; options?: EnqueueOptions }[];
  schedules: { name: string; cron: string }[];
  run(name: string, payload: unknown): Promise<void>;
}

export function createRecordingQueue(): RecordingQueue {
  const handlers = new Map<string, JobHandler<unknown>>();
  const queue: RecordingQueue = {
    enqueued: [],
    schedules: [],
    register(name, handler) {
      handlers.set(name, handler as JobHandler<unknown>);
    },
    async enqueue(name, payload, options) {
      queue.enqueued.push({ name, payload, options });
    },
    schedule(name, cron) {
      queue.schedules.push({ name, cron });
    },
    async start() {},
    async stop() {},
    async stats() {
      return { waiting: queue.enqueued.length, running: 0, failed: 0 };
    },
    async run(name, payload) {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`No handler for ${name}`);
      const { silentLogger } = await import('../../../platform/logging.js');
      await handler(payload, { jobId: 'test', attempt: 1, maxAttempts: 1, log: silentLogger() });
    },
  };
  return queue;
}

export function testActor(overrides: Partial<Actor> = {}): Actor {
  return {
    kind: 'user',
    id: 'u-1',
    userRef: 'user:default/jane',
    displayName: 'Jane',
    isAdmin: false,
    scopes: ['read', 'write'],
    ...overrides,
  };
}

export const ADMIN: Actor = testActor({
  id: 'admin',
  userRef: 'user:default/admin',
  displayName: 'Admin',
  isAdmin: true,
  scopes: ['read', 'write', 'admin'],
});

/** A Component descriptor as YAML text. */
export function componentYaml(
  name: string,
  spec: { owner?: string; dependsOn?: string[]; system?: string } = {},
): string {
  const lines = [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    `  description: The ${name} service`,
    'spec:',
    '  type: service',
    '  lifecycle: production',
    `  owner: ${spec.owner ?? 'team-a'}`,
  ];
  if (spec.system) lines.push(`  system: ${spec.system}`);
  if (spec.dependsOn) lines.push('  dependsOn:', ...spec.dependsOn.map((d) => `    - ${d}`));
  return `${lines.join('\n')}\n`;
}

export function groupYaml(name: string, spec: { parent?: string; members?: string[] } = {}): string {
  const lines = [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Group',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  type: squad',
  ];
  if (spec.parent) lines.push(`  parent: ${spec.parent}`);
  lines.push('  children: []');
  if (spec.members) lines.push(`  members: [${spec.members.join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

export function userYaml(name: string, memberOf: string[]): string {
  return `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: ${name}\nspec:\n  memberOf: [${memberOf.join(', ')}]\n`;
}

export function locationYaml(name: string, targets: string[], type?: string): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Location',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    ...(type ? [`  type: ${type}`] : []),
    '  targets:',
    ...targets.map((t) => `    - ${t}`),
    '',
  ].join('\n');
}
