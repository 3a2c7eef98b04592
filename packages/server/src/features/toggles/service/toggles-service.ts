import type { z } from '@hono/zod-openapi';
import type { Actor, MembershipResolver } from '../../../platform/auth/actor.js';
import { assertAdmin, assertCanWrite } from '../../../platform/auth/authorize.js';
import type { EventLog, StoredEvent } from '../../../platform/events/event-log.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../../platform/http/problem.js';
import { newId, nowIso } from '../../../platform/ids.js';
import type { CatalogReader } from '../../catalog/index.js';
import { ownerOf } from '../../catalog/index.js';
import { ApprovalRequiredError } from '../governance/approval-required-error.js';
import { clientTokenDisplayPrefix, hashClientToken, newClientToken } from '../model/client-token-text.js';
import {
  type ConfigIssue,
  checkConstraints,
  checkStrategies,
  checkVariants,
  type EnvironmentConfig,
  FLAG_TYPES,
  type FlagType,
  normalizeVariantWeights,
  type Strategy,
  type Variant,
} from '../model/flag-config.js';
import type { ClientToken, Environment, Flag, Project, Segment } from '../model/records.js';
import type { TogglesStore } from '../store/toggles-store.js';
import type {
  CreateEnvironmentBody,
  CreateFlagBody,
  CreateProjectBody,
  CreateTokenBody,
  ImportPayload,
  SegmentBody,
  UpdateFlagBody,
  UpdateProjectBody,
} from './input-schemas.js';

/** The domain event every flag change emits; its subject is `toggle:<project>/<flag>`. */
export const TOGGLE_UPDATED = 'toggle.updated';

export function flagSubject(project: string, flag: string): string {
  return `toggle:${project}/${flag}`;
}

export interface ImportReport {
  created: string[];
  updated: string[];
  segments: { id: number; name: string; importedId: number }[];
  /** Definitions kept as given although they will evaluate to false (unknown operators or strategies). */
  warnings: FieldError[];
}

/**
 * The toggle admin rules: who may change what, validation with field paths, the
 * revision bump (in the store's transaction) and one event per change, which is
 * also the flag's history. Listeners registered with `onChange` hear every new
 * revision (the streaming endpoint uses it).
 *
 * @example
 * const flag = await service.setEnabled(actor, { project: 'checkout', flag: 'new-cart', environment: 'production', enabled: true });
 */
export interface TogglesService {
  listProjects(): Promise<Project[]>;
  getProject(key: string): Promise<Project>;
  createProject(actor: Actor, input: z.infer<typeof CreateProjectBody>): Promise<Project>;
  updateProject(actor: Actor, key: string, patch: z.infer<typeof UpdateProjectBody>): Promise<Project>;
  deleteProject(actor: Actor, key: string): Promise<void>;

  listEnvironments(): Promise<Environment[]>;
  createEnvironment(actor: Actor, input: z.infer<typeof CreateEnvironmentBody>): Promise<Environment>;

  listFlags(options: { project: string; includeArchived?: boolean }): Promise<Flag[]>;
  getFlag(project: string, name: string): Promise<Flag>;
  createFlag(actor: Actor, project: string, input: z.input<typeof CreateFlagBody>): Promise<Flag>;
  updateFlag(actor: Actor, project: string, name: string, patch: z.infer<typeof UpdateFlagBody>): Promise<Flag>;
  archiveFlag(actor: Actor, project: string, name: string): Promise<Flag>;
  reviveFlag(actor: Actor, project: string, name: string): Promise<Flag>;
  /** Deletes an archived flag for good; its history stays in the event log. */
  deleteFlag(actor: Actor, project: string, name: string): Promise<void>;

  setEnabled(actor: Actor, target: FlagTarget & { enabled: boolean }): Promise<Flag>;
  setStrategies(actor: Actor, target: FlagTarget & { strategies: Strategy[] }): Promise<Flag>;
  setVariants(actor: Actor, target: FlagTarget & { variants: Variant[] }): Promise<Flag>;
  /** Sets the percentage of the first flexibleRollout strategy, adding one if there is none. */
  setRollout(actor: Actor, target: FlagTarget & { percent: number }): Promise<Flag>;
  /** Turns the flag off in one environment, or in all of them, and records why. */
  kill(actor: Actor, input: { project: string; flag: string; environment?: string; reason: string }): Promise<Flag>;
  history(project: string, name: string, options?: { limit?: number; before?: string }): Promise<StoredEvent[]>;

  listSegments(project: string): Promise<Segment[]>;
  createSegment(actor: Actor, project: string, input: z.infer<typeof SegmentBody>): Promise<Segment>;
  updateSegment(actor: Actor, project: string, id: number, input: z.infer<typeof SegmentBody>): Promise<Segment>;
  deleteSegment(actor: Actor, project: string, id: number): Promise<void>;

  createToken(actor: Actor, input: z.infer<typeof CreateTokenBody>): Promise<{ token: string; info: ClientToken }>;
  listTokens(actor: Actor, project?: string): Promise<ClientToken[]>;
  revokeToken(actor: Actor, id: string): Promise<ClientToken>;

  /** Loads a client-format payload into one project and environment (migration from Unleash). */
  importEnvironment(
    actor: Actor,
    input: { project: string; environment: string; payload: ImportPayload },
  ): Promise<ImportReport>;

  onChange(listener: (revision: number) => void): () => void;
}

export interface FlagTarget {
  project: string;
  flag: string;
  environment: string;
  /**
   * Set by Backbeat itself when the change comes from an approved change request or
   * a rollout plan; such changes skip the four-eyes check (they passed it already)
   * and name their origin in the flag's history. Routes never set it.
   */
  via?: ChangeOrigin;
}

export interface ChangeOrigin {
  kind: 'change-request' | 'rollout-plan';
  id: string;
}

export interface TogglesServiceOptions {
  store: TogglesStore;
  events: EventLog;
  membership: MembershipResolver;
  catalog?: CatalogReader;
  /** Whether production changes of a project need an approved change request. */
  requiresApproval?: (project: string) => Promise<boolean>;
}

/** `component:web` and `Component:default/Web` name the same entity. */
function normalizeRef(ref: string, defaultKind: string): string {
  const trimmed = ref.trim().toLowerCase();
  const withKind = trimmed.includes(':') ? trimmed : `${defaultKind}:${trimmed}`;
  const [kind, rest = ''] = withKind.split(':', 2) as [string, string];
  return rest.includes('/') ? `${kind}:${rest}` : `${kind}:default/${rest}`;
}

/**
 * Segment ids are the next integer; two writers can pick the same one, so the loser
 * tries again. Each round only one of N racing writers wins, so the last needs N
 * tries: allow plenty, with a short random pause so the racers spread out.
 */
async function retryOnUniqueViolation<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? '');
      const unique = code === '23505' || code.startsWith('SQLITE_CONSTRAINT');
      if (!unique || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

function issuesToErrors(issues: ConfigIssue[]): FieldError[] {
  return issues.map((i) => ({ field: i.field, message: i.message }));
}

function rejectIssues(what: string, issues: ConfigIssue[]): void {
  if (issues.length === 0) return;
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, issuesToErrors(issues));
}

export function createTogglesService(options: TogglesServiceOptions): TogglesService {
  const { store, events, membership, catalog, requiresApproval } = options;
  const listeners = new Set<(revision: number) => void>();

  function changed(revision: number): void {
    for (const listener of listeners) {
      try {
        listener(revision);
      } catch {
        // One failing listener must not stop the others or the change.
      }
    }
  }

  async function requireProject(key: string): Promise<Project> {
    const project = await store.getProject(key);
    if (!project) throw new NotFoundError(`No toggle project "${key}"`);
    return project;
  }

  async function requireFlag(project: string, name: string): Promise<Flag> {
    const flag = await store.getFlag(project, name);
    if (!flag) throw new NotFoundError(`No flag "${name}" in project "${project}"`);
    return flag;
  }

  async function requireEnvironment(key: string): Promise<Environment> {
    const env = (await store.listEnvironments()).find((e) => e.key === key);
    if (!env) throw new NotFoundError(`No environment "${key}"`);
    return env;
  }

  /**
   * Admins, or members of the project's owner group. Four-eyes projects additionally
   * route production changes through change requests (see `changeEnvironment`); the
   * kill switch never waits for approval.
   */
  async function assertCanChange(actor: Actor, project: Project, _environment?: Environment): Promise<void> {
    await assertCanWrite(actor, { ownerRefs: project.ownerRef ? [project.ownerRef] : [], membership });
  }

  async function validateProjectLinks(input: {
    entityRef?: string | null;
    ownerRef?: string | null;
  }): Promise<{ entityRef?: string | null; ownerRef?: string | null }> {
    const out: { entityRef?: string | null; ownerRef?: string | null } = {};
    if (input.ownerRef !== undefined) {
      out.ownerRef = input.ownerRef === null ? null : normalizeRef(input.ownerRef, 'group');
      if (out.ownerRef && !out.ownerRef.startsWith('group:')) {
        throw new ValidationError('The owner must be a group', [
          { field: 'ownerRef', message: 'a group ref, e.g. group:default/payments' },
        ]);
      }
    }
    if (input.entityRef !== undefined) {
      if (input.entityRef === null) out.entityRef = null;
      else {
        const ref = normalizeRef(input.entityRef, 'component');
        if (!ref.startsWith('component:') && !ref.startsWith('system:')) {
          throw new ValidationError('A project links to a component or a system', [
            { field: 'entityRef', message: 'a component or system ref, e.g. component:default/checkout' },
          ]);
        }
        out.entityRef = ref;
        if (catalog) {
          const [entity] = await catalog.entitiesByRefs([ref]);
          if (!entity) {
            throw new ValidationError(`No catalog entity ${ref}`, [
              { field: 'entityRef', message: `no entity ${ref} in the catalog` },
            ]);
          }
          // The owner follows the linked entity unless one is given.
          if (input.ownerRef === undefined) out.ownerRef = ownerOf(entity) ?? null;
        }
      }
    }
    return out;
  }

  async function recordFlagChange(
    actor: Actor,
    before: Flag | undefined,
    after: Flag | undefined,
    data: Record<string, unknown>,
    revision: number,
  ): Promise<void> {
    const flag = (after ?? before) as Flag;
    await events.append(actor, {
      type: TOGGLE_UPDATED,
      subject: flagSubject(flag.project, flag.name),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      data: { project: flag.project, flag: flag.name, revision, ...data },
    });
  }

  async function changeEnvironment(
    actor: Actor,
    target: FlagTarget,
    change: (current: EnvironmentConfig) => EnvironmentConfig,
    data: Record<string, unknown>,
  ): Promise<Flag> {
    const project = await requireProject(target.project);
    const environment = await requireEnvironment(target.environment);
    await assertCanChange(actor, project, environment);
    if (environment.production && !target.via && (await requiresApproval?.(project.key))) {
      throw new ApprovalRequiredError(project.key, environment.key);
    }
    const before = await requireFlag(target.project, target.flag);
    if (before.archivedAt) throw new ConflictError(`Flag "${target.flag}" is archived; revive it first`);
    const current = before.environments[target.environment] as EnvironmentConfig;
    const next = change({ enabled: current.enabled, strategies: current.strategies, variants: current.variants });
    const { revision } = await store.transaction(async (tx) => {
      await tx.setEnvironmentState(before.id, target.environment, next, nowIso());
      await tx.updateFlag(before.id, {}, nowIso());
    });
    // Streams first: connected SDKs should not wait for the history write.
    changed(revision);
    const after = await requireFlag(target.project, target.flag);
    await recordFlagChange(
      actor,
      before,
      after,
      {
        environment: target.environment,
        production: environment.production,
        ...data,
        ...(target.via ? { via: target.via } : {}),
      },
      revision,
    );
    return after;
  }

  async function checkSegmentsExist(
    project: string,
    strategies: Strategy[],
    prefix = 'strategies',
  ): Promise<ConfigIssue[]> {
    const known = new Set((await store.listSegments(project)).map((s) => s.id));
    const issues: ConfigIssue[] = [];
    strategies.forEach((strategy, i) => {
      strategy.segments.forEach((id, j) => {
        if (!known.has(id))
          issues.push({ field: `${prefix}[${i}].segments[${j}]`, message: `no segment ${id} in project "${project}"` });
      });
    });
    return issues;
  }

  function withStrategyIds(strategies: Strategy[]): Strategy[] {
    return strategies.map((s) => ({ ...s, id: s.id ?? newId(), variants: normalizeVariantWeights(s.variants) }));
  }

  return {
    listProjects: () => store.listProjects(),
    getProject: requireProject,

    async createProject(actor, input) {
      const links = await validateProjectLinks({
        entityRef: input.entityRef ?? null,
        ownerRef: input.ownerRef ?? undefined,
      });
      const ownerRef = links.ownerRef ?? null;
      // Creating a project for a group takes the same right as changing that group's things.
      await assertCanWrite(actor, { ownerRefs: ownerRef ? [ownerRef] : [], membership });
      if (await store.getProject(input.key)) throw new ConflictError(`Toggle project "${input.key}" exists already`);
      const at = nowIso();
      const project: Project = {
        key: input.key,
        name: input.name,
        description: input.description ?? null,
        entityRef: links.entityRef ?? null,
        ownerRef,
        createdAt: at,
        updatedAt: at,
      };
      const { revision } = await store.transaction((tx) => tx.insertProject(project));
      await events.append(actor, {
        type: 'toggle.project.created',
        subject: `toggle-project:${project.key}`,
        after: project,
      });
      changed(revision);
      return project;
    },

    async updateProject(actor, key, patch) {
      const before = await requireProject(key);
      await assertCanChange(actor, before);
      const links = await validateProjectLinks({ entityRef: patch.entityRef, ownerRef: patch.ownerRef });
      if (links.ownerRef !== undefined && links.ownerRef !== before.ownerRef) {
        // Handing a project to another group needs rights over that group too.
        await assertCanWrite(actor, { ownerRefs: links.ownerRef ? [links.ownerRef] : [], membership });
      }
      const { revision } = await store.transaction((tx) =>
        tx.updateProject(key, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...links,
          updatedAt: nowIso(),
        }),
      );
      const after = await requireProject(key);
      await events.append(actor, { type: 'toggle.project.updated', subject: `toggle-project:${key}`, before, after });
      changed(revision);
      return after;
    },

    async deleteProject(actor, key) {
      const before = await requireProject(key);
      await assertCanChange(actor, before);
      const flags = await store.listFlags({ project: key, includeArchived: true });
      if (flags.length > 0) {
        throw new ConflictError(`Project "${key}" still has ${flags.length} flag(s); delete them first`);
      }
      // Its tokens go with it, so a project made later under the same key starts with none.
      const tokens = (await store.listTokens(key)).filter((t) => !t.revokedAt);
      const { revision } = await store.transaction(async (tx) => {
        for (const token of tokens) await tx.revokeToken(token.id, nowIso());
        await tx.deleteProject(key);
      });
      await events.append(actor, {
        type: 'toggle.project.deleted',
        subject: `toggle-project:${key}`,
        before,
        data: { revokedTokens: tokens.map((t) => t.id) },
      });
      changed(revision);
    },

    listEnvironments: () => store.listEnvironments(),

    async createEnvironment(actor, input) {
      assertAdmin(actor);
      const existing = await store.listEnvironments();
      if (existing.some((e) => e.key === input.key))
        throw new ConflictError(`Environment "${input.key}" exists already`);
      const env: Environment = {
        key: input.key,
        name: input.name,
        production: input.production,
        sortOrder: Math.max(0, ...existing.map((e) => e.sortOrder)) + 10,
      };
      const { revision } = await store.transaction((tx) => tx.insertEnvironment(env, nowIso()));
      await events.append(actor, {
        type: 'toggle.environment.created',
        subject: `toggle-environment:${env.key}`,
        after: env,
      });
      changed(revision);
      return env;
    },

    listFlags: (o) => store.listFlags(o),
    getFlag: requireFlag,

    async createFlag(actor, projectKey, input) {
      const project = await requireProject(projectKey);
      await assertCanChange(actor, project);
      if (await store.getFlag(projectKey, input.name)) {
        throw new ConflictError(`Flag "${input.name}" exists already in project "${projectKey}"`);
      }
      const { revision } = await store.transaction((tx) =>
        tx.insertFlag({
          id: newId(),
          project: projectKey,
          name: input.name,
          type: input.type ?? 'release',
          description: input.description ?? null,
          impressionData: input.impressionData ?? false,
          dependencies: input.dependencies ?? [],
          at: nowIso(),
        }),
      );
      const after = await requireFlag(projectKey, input.name);
      await recordFlagChange(actor, undefined, after, { action: 'created' }, revision);
      changed(revision);
      return after;
    },

    async updateFlag(actor, projectKey, name, patch) {
      const project = await requireProject(projectKey);
      await assertCanChange(actor, project);
      const before = await requireFlag(projectKey, name);
      const { revision } = await store.transaction((tx) => tx.updateFlag(before.id, patch, nowIso()));
      const after = await requireFlag(projectKey, name);
      await recordFlagChange(actor, before, after, { action: 'updated', fields: Object.keys(patch) }, revision);
      changed(revision);
      return after;
    },

    async archiveFlag(actor, projectKey, name) {
      const project = await requireProject(projectKey);
      await assertCanChange(actor, project);
      const before = await requireFlag(projectKey, name);
      if (before.archivedAt) return before;
      const { revision } = await store.transaction((tx) =>
        tx.updateFlag(before.id, { archivedAt: nowIso() }, nowIso()),
      );
      const after = await requireFlag(projectKey, name);
      await recordFlagChange(actor, before, after, { action: 'archived' }, revision);
      changed(revision);
      return after;
    },

    async reviveFlag(actor, projectKey, name) {
      const project = await requireProject(projectKey);
      await assertCanChange(actor, project);
      const before = await requireFlag(projectKey, name);
      if (!before.archivedAt) return before;
      const { revision } = await store.transaction((tx) => tx.updateFlag(before.id, { archivedAt: null }, nowIso()));
      const after = await requireFlag(projectKey, name);
      await recordFlagChange(actor, before, after, { action: 'revived' }, revision);
      changed(revision);
      return after;
    },

    async deleteFlag(actor, projectKey, name) {
      const project = await requireProject(projectKey);
      await assertCanChange(actor, project);
      const before = await requireFlag(projectKey, name);
      if (!before.archivedAt) throw new ConflictError(`Archive flag "${name}" before deleting it`);
      const { revision } = await store.transaction((tx) => tx.deleteFlag(before.id));
      await recordFlagChange(actor, before, undefined, { action: 'deleted' }, revision);
      changed(revision);
    },

    async setEnabled(actor, target) {
      return changeEnvironment(actor, target, (c) => ({ ...c, enabled: target.enabled }), {
        action: target.enabled ? 'enabled' : 'disabled',
      });
    },

    async setStrategies(actor, target) {
      const issues = [
        ...checkStrategies(target.strategies),
        ...(await checkSegmentsExist(target.project, target.strategies)),
      ];
      rejectIssues('strategies', issues);
      const strategies = withStrategyIds(target.strategies);
      return changeEnvironment(actor, target, (c) => ({ ...c, strategies }), { action: 'strategies' });
    },

    async setVariants(actor, target) {
      rejectIssues('variants', checkVariants(target.variants, 'variants'));
      const variants = normalizeVariantWeights(target.variants);
      return changeEnvironment(actor, target, (c) => ({ ...c, variants }), { action: 'variants' });
    },

    async setRollout(actor, target) {
      return changeEnvironment(
        actor,
        target,
        (c) => {
          const index = c.strategies.findIndex((s) => s.name === 'flexibleRollout' && !s.disabled);
          if (index < 0) {
            const added: Strategy = {
              id: newId(),
              name: 'flexibleRollout',
              parameters: { rollout: String(target.percent), stickiness: 'default', groupId: target.flag },
              constraints: [],
              segments: [],
              variants: [],
            };
            return { ...c, strategies: [...c.strategies, added] };
          }
          const strategies = c.strategies.map((s, i) =>
            i === index ? { ...s, parameters: { ...s.parameters, rollout: String(target.percent) } } : s,
          );
          return { ...c, strategies };
        },
        { action: 'rollout', percent: target.percent },
      );
    },

    async kill(actor, input) {
      const project = await requireProject(input.project);
      const environments = await store.listEnvironments();
      const targets = input.environment ? [await requireEnvironment(input.environment)] : environments;
      for (const env of targets) await assertCanChange(actor, project, env);
      const before = await requireFlag(input.project, input.flag);
      const { revision } = await store.transaction(async (tx) => {
        const at = nowIso();
        for (const env of targets) {
          const current = before.environments[env.key] ?? { enabled: false, strategies: [], variants: [] };
          await tx.setEnvironmentState(
            before.id,
            env.key,
            { enabled: false, strategies: current.strategies, variants: current.variants },
            at,
          );
        }
        await tx.updateFlag(before.id, {}, at);
      });
      // Streams first: a kill must reach SDKs without waiting for the history write.
      changed(revision);
      const after = await requireFlag(input.project, input.flag);
      await recordFlagChange(
        actor,
        before,
        after,
        { action: 'killed', reason: input.reason, environments: targets.map((e) => e.key) },
        revision,
      );
      return after;
    },

    async history(projectKey, name, query = {}) {
      await requireProject(projectKey);
      return events.list({
        subject: flagSubject(projectKey, name),
        limit: query.limit ?? 100,
        ...(query.before ? { before: query.before } : {}),
      });
    },

    async listSegments(projectKey) {
      await requireProject(projectKey);
      return store.listSegments(projectKey);
    },

    async createSegment(actor, projectKey, input) {
      const project = await requireProject(projectKey);
      await assertCanChange(actor, project);
      rejectIssues('segment', checkConstraints(input.constraints, 'constraints'));
      if ((await store.listSegments(projectKey)).some((s) => s.name === input.name)) {
        throw new ConflictError(`Segment "${input.name}" exists already in project "${projectKey}"`);
      }
      const at = nowIso();
      const insert = () =>
        store.transaction((tx) =>
          tx.insertSegment({
            project: projectKey,
            name: input.name,
            description: input.description ?? null,
            constraints: input.constraints,
            createdAt: at,
            updatedAt: at,
          }),
        );
      const { result: id, revision } = await retryOnUniqueViolation(insert);
      const segment = (await store.getSegment(id)) as Segment;
      await events.append(actor, { type: 'toggle.segment.created', subject: `toggle-segment:${id}`, after: segment });
      changed(revision);
      return segment;
    },

    async updateSegment(actor, projectKey, id, input) {
      const project = await requireProject(projectKey);
      await assertCanChange(actor, project);
      const before = await store.getSegment(id);
      if (!before || before.project !== projectKey)
        throw new NotFoundError(`No segment ${id} in project "${projectKey}"`);
      rejectIssues('segment', checkConstraints(input.constraints, 'constraints'));
      const { revision } = await store.transaction((tx) =>
        tx.updateSegment(
          id,
          { name: input.name, description: input.description ?? null, constraints: input.constraints },
          nowIso(),
        ),
      );
      const after = (await store.getSegment(id)) as Segment;
      await events.append(actor, { type: 'toggle.segment.updated', subject: `toggle-segment:${id}`, before, after });
      changed(revision);
      return after;
    },

    async deleteSegment(actor, projectKey, id) {
      const project = await requireProject(projectKey);
      await assertCanChange(actor, project);
      const before = await store.getSegment(id);
      if (!before || before.project !== projectKey)
        throw new NotFoundError(`No segment ${id} in project "${projectKey}"`);
      const users = (await store.listFlags({ project: projectKey })).filter((flag) =>
        Object.values(flag.environments).some((env) => env.strategies.some((s) => s.segments.includes(id))),
      );
      if (users.length > 0) {
        throw new ConflictError(`Segment ${id} is used by ${users.map((f) => f.name).join(', ')}`);
      }
      const { revision } = await store.transaction((tx) => tx.deleteSegment(id));
      await events.append(actor, { type: 'toggle.segment.deleted', subject: `toggle-segment:${id}`, before });
      changed(revision);
    },

    async createToken(actor, input) {
      if (input.project === '*') assertAdmin(actor);
      else
        await assertCanChange(actor, await requireProject(input.project), await requireEnvironment(input.environment));
      await requireEnvironment(input.environment);
      const token = newClientToken(input.project, input.environment);
      const info: ClientToken = {
        id: newId(),
        name: input.name,
        type: input.type,
        project: input.project,
        environment: input.environment,
        displayPrefix: clientTokenDisplayPrefix(token),
        createdBy: actor.userRef ?? actor.displayName,
        createdAt: nowIso(),
        revokedAt: null,
        lastUsedAt: null,
      };
      await store.insertToken(info, hashClientToken(token));
      await events.append(actor, { type: 'toggle.token.created', subject: `toggle-token:${info.id}`, after: info });
      return { token, info };
    },

    async listTokens(actor, project) {
      if (project) await assertCanChange(actor, await requireProject(project));
      else assertAdmin(actor);
      return store.listTokens(project);
    },

    async revokeToken(actor, id) {
      const before = await store.getToken(id);
      if (!before) throw new NotFoundError(`No toggle token ${id}`);
      if (before.project === '*') assertAdmin(actor);
      else await assertCanChange(actor, await requireProject(before.project));
      if (before.revokedAt) return before;
      await store.revokeToken(id, nowIso());
      const after = (await store.getToken(id)) as ClientToken;
      await events.append(actor, { type: 'toggle.token.revoked', subject: `toggle-token:${id}`, before, after });
      return after;
    },

    async importEnvironment(actor, input) {
      const project = await requireProject(input.project);
      const environment = await requireEnvironment(input.environment);
      await assertCanChange(actor, project, environment);
      // An import rewrites many flags at once; in a four-eyes project production takes it only flag by flag.
      if (environment.production && (await requiresApproval?.(project.key))) {
        throw new ApprovalRequiredError(project.key, environment.key);
      }
      const { payload } = input;
      const errors: FieldError[] = [];
      const warnings: FieldError[] = [];
      const importedIds = new Set(payload.segments.map((s) => s.id));
      payload.segments.forEach((segment, i) => {
        warnings.push(...issuesToErrors(checkConstraints(segment.constraints, `segments[${i}].constraints`)));
      });
      payload.features.forEach((feature, i) => {
        const at = `features[${i}]`;
        if (feature.type !== undefined && !(FLAG_TYPES as readonly string[]).includes(feature.type)) {
          warnings.push({ field: `${at}.type`, message: `unknown type "${feature.type}"; imported as release` });
        }
        warnings.push(...issuesToErrors(checkStrategies(feature.strategies, `${at}.strategies`)));
        warnings.push(...issuesToErrors(checkVariants(feature.variants ?? [], `${at}.variants`)));
        feature.strategies.forEach((strategy, j) => {
          strategy.segments.forEach((id, k) => {
            // A strategy naming a segment the payload lacks stays off, as the specification requires.
            if (!importedIds.has(id)) {
              warnings.push({
                field: `${at}.strategies[${j}].segments[${k}]`,
                message: `no segment ${id} in the payload; the strategy will not match`,
              });
            }
          });
        });
      });
      const names = new Set<string>();
      payload.features.forEach((feature, i) => {
        if (names.has(feature.name))
          errors.push({ field: `features[${i}].name`, message: `duplicate flag "${feature.name}"` });
        names.add(feature.name);
      });
      if (errors.length > 0) throw new ValidationError('Invalid import', errors);

      const report: ImportReport = { created: [], updated: [], segments: [], warnings };
      const befores = new Map<string, Flag | undefined>();
      for (const feature of payload.features)
        befores.set(feature.name, await store.getFlag(input.project, feature.name));
      const { revision } = await store.transaction(async (tx) => {
        const at = nowIso();
        const existingSegments = await tx.listSegments(input.project);
        const segmentIdMap = new Map<number, number>();
        for (const segment of payload.segments) {
          const existing = existingSegments.find((s) => s.name === segment.name);
          let id: number;
          if (existing) {
            await tx.updateSegment(existing.id, { constraints: segment.constraints }, at);
            id = existing.id;
          } else {
            id = await tx.insertSegment({
              project: input.project,
              name: segment.name,
              description: null,
              constraints: segment.constraints,
              createdAt: at,
              updatedAt: at,
            });
          }
          segmentIdMap.set(segment.id, id);
          report.segments.push({ id, name: segment.name, importedId: segment.id });
        }
        // A reference to a segment missing from the payload must keep failing, so it gets an id no segment has.
        const missingId = Math.max(0, ...[...segmentIdMap.values(), ...existingSegments.map((s) => s.id)]) + 1_000_000;
        for (const feature of payload.features) {
          const type: FlagType = (FLAG_TYPES as readonly string[]).includes(feature.type ?? '')
            ? (feature.type as FlagType)
            : 'release';
          const existing = befores.get(feature.name);
          let flagId: string;
          const fields = {
            type,
            description: feature.description ?? null,
            stale: feature.stale ?? false,
            impressionData: feature.impressionData ?? false,
            dependencies: feature.dependencies ?? [],
          };
          if (existing) {
            flagId = existing.id;
            await tx.updateFlag(flagId, { ...fields, archivedAt: null }, at);
            report.updated.push(feature.name);
          } else {
            flagId = newId();
            await tx.insertFlag({ id: flagId, project: input.project, name: feature.name, ...fields, at });
            if (fields.stale) await tx.updateFlag(flagId, { stale: true }, at);
            report.created.push(feature.name);
          }
          const strategies = feature.strategies.map((s) => ({
            ...s,
            id: s.id ?? newId(),
            segments: s.segments.map((id) => segmentIdMap.get(id) ?? missingId),
          }));
          await tx.setEnvironmentState(
            flagId,
            input.environment,
            { enabled: feature.enabled, strategies, variants: feature.variants ?? [] },
            at,
          );
        }
      });
      for (const feature of payload.features) {
        const after = await requireFlag(input.project, feature.name);
        await recordFlagChange(
          actor,
          befores.get(feature.name),
          after,
          { action: 'imported', environment: input.environment },
          revision,
        );
      }
      changed(revision);
      return report;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
