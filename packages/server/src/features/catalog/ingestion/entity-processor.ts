import { createHash } from 'node:crypto';
import { newId } from '../../../platform/ids.js';
import type { Entity, EntityStatusItem } from '../model/entity.js';
import {
  type ComputedRelation,
  computeRelations,
  DEFAULT_NAMESPACE,
  type DescriptorError,
  fullTextOf,
  parseDescriptors,
  toSearchRows,
} from '../model/index.js';
import type { EntityHeader, EntityWrite, LocationErrorWrite } from '../store/catalog-write-store.js';

/** Bumped when processing changes what is stored for the same descriptor, so every entity is rewritten once. */
export const PROCESSOR_VERSION = '1';

export const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';
export const MANAGED_BY_ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';

/** A valid entity read from a file, in its stored form minus uid, etag and generation. */
export interface PreparedEntity {
  ref: string;
  filePath: string;
  line: number;
  entity: Entity;
  hash: string;
  relations: ComputedRelation[];
}

/** A `Location` entity's target, as written. */
export interface LocationTargetRef {
  filePath: string;
  entityRef: string;
  type: string | undefined;
  target: string;
  optional: boolean;
}

export interface FileOutcome {
  path: string;
  entities: PreparedEntity[];
  errors: DescriptorError[];
  /** Refs of documents that were recognisable but invalid: a stored version is kept, flagged. */
  invalidRefs: string[];
  targets: LocationTargetRef[];
}

export interface ProcessContext {
  /** `type:target` of the location that read the file. */
  managedBy: string;
  /** `type:target` of the location first registered (the root of the chain). */
  origin: string;
}

/**
 * Parses and validates one descriptor file and prepares each valid entity for
 * storage: managed-by annotations set, namespace defaulted, outgoing relations
 * computed, content hashed. A broken document never hides its valid neighbours.
 *
 * @example
 * const outcome = prepareFile('catalog-info.yaml', text, { managedBy: 'git:/srv/web', origin: 'git:/srv/web' });
 */
export function prepareFile(path: string, text: string, context: ProcessContext): FileOutcome {
  const outcome: FileOutcome = { path, entities: [], errors: [], invalidRefs: [], targets: [] };
  for (const doc of parseDescriptors(text, { file: path })) {
    if (!doc.ok) {
      outcome.errors.push(...doc.errors);
      if (doc.entityRef) outcome.invalidRefs.push(doc.entityRef);
      continue;
    }
    const source = doc.entity;
    const entity: Entity = {
      ...source,
      metadata: {
        ...source.metadata,
        namespace: source.metadata.namespace || DEFAULT_NAMESPACE,
        annotations: {
          ...(source.metadata.annotations ?? {}),
          [MANAGED_BY_LOCATION]: context.managedBy,
          [MANAGED_BY_ORIGIN_LOCATION]: context.origin,
        },
      },
    };
    const hash = createHash('sha1').update(PROCESSOR_VERSION).update(JSON.stringify(entity)).digest('hex');
    outcome.entities.push({
      ref: doc.entityRef,
      filePath: path,
      line: doc.line,
      entity,
      hash,
      relations: computeRelations(entity),
    });
    if (entity.kind.toLowerCase() === 'location') {
      const spec = entity.spec ?? {};
      const type = typeof spec.type === 'string' ? spec.type : undefined;
      const optional = spec.presence === 'optional';
      const targets = [
        ...(typeof spec.target === 'string' ? [spec.target] : []),
        ...(Array.isArray(spec.targets) ? spec.targets.filter((t): t is string => typeof t === 'string') : []),
      ];
      for (const target of targets)
        outcome.targets.push({ filePath: path, entityRef: doc.entityRef, type, target, optional });
    }
  }
  return outcome;
}

/** The `Location` targets of stored entities (files not re-read this time). */
export function targetsOfStoredEntity(filePath: string, entityRef: string, entityJson: string): LocationTargetRef[] {
  const entity = JSON.parse(entityJson) as Entity;
  const spec = entity.spec ?? {};
  const type = typeof spec.type === 'string' ? spec.type : undefined;
  const optional = spec.presence === 'optional';
  const targets = [
    ...(typeof spec.target === 'string' ? [spec.target] : []),
    ...(Array.isArray(spec.targets) ? spec.targets.filter((t): t is string => typeof t === 'string') : []),
  ];
  return targets.map((target) => ({ filePath, entityRef, type, target, optional }));
}

export interface PlanInput {
  locationId: string;
  now: string;
  /** Files read in this refresh (new or changed content), in path order. */
  files: FileOutcome[];
  /** Files that were stored before and are no longer part of the location. */
  deletedPaths: readonly string[];
  existing: readonly EntityHeader[];
  /** Owner location of refs this location does not own (absent: nobody owns it). */
  owners: ReadonlyMap<string, string | null>;
  /** Stored JSON of this location's entities that turned invalid, to keep them flagged. */
  storedJson: ReadonlyMap<string, string>;
  describeLocation(id: string | null): string;
}

export interface Plan {
  upserts: EntityWrite[];
  removeRefs: string[];
  errors: LocationErrorWrite[];
  added: string[];
  updated: string[];
  unchanged: number;
  /** Files holding an entity another location owns: re-read next time, the owner may let go. */
  conflictPaths: Set<string>;
}

/**
 * Decides what one refresh writes: new entities, changed ones (same uid, next
 * generation), untouched ones (same hash), removed ones (their file changed or went
 * away and they are not in it any more), and errors per file. An entity another
 * location owns is not taken; the conflict is reported on this location.
 *
 * @example
 * const plan = planChanges({ locationId, now, files, deletedPaths, existing, owners, storedJson, describeLocation });
 */
export function planChanges(input: PlanInput): Plan {
  const plan: Plan = {
    upserts: [],
    removeRefs: [],
    errors: [],
    added: [],
    updated: [],
    unchanged: 0,
    conflictPaths: new Set(),
  };
  const reread = new Set([...input.files.map((f) => f.path), ...input.deletedPaths]);
  const existing = new Map(input.existing.map((h) => [h.entityRef, h]));
  const taken = new Map<string, string>();
  const kept = new Set<string>();

  const error = (e: Omit<LocationErrorWrite, 'id' | 'level'> & { level?: 'error' | 'warning' }) =>
    plan.errors.push({ id: newId(), level: 'error', ...e });

  for (const file of input.files) {
    for (const e of file.errors) {
      error({
        filePath: file.path,
        entityRef: e.entityRef ?? null,
        line: e.line ?? null,
        column: e.column ?? null,
        field: e.field ?? null,
        message: e.message,
      });
    }
    for (const prepared of file.entities) {
      const at = { filePath: file.path, entityRef: prepared.ref, line: prepared.line, column: null, field: null };
      const firstFile = taken.get(prepared.ref);
      if (firstFile !== undefined) {
        error({
          ...at,
          message: `Entity ${prepared.ref} is defined twice in this location: in ${firstFile} and ${file.path}`,
        });
        continue;
      }
      const own = existing.get(prepared.ref);
      if (own && !reread.has(own.filePath ?? '')) {
        error({ ...at, message: `Entity ${prepared.ref} is already defined in ${own.filePath} of this location` });
        continue;
      }
      if (!own && input.owners.has(prepared.ref)) {
        const owner = input.owners.get(prepared.ref) ?? null;
        error({
          ...at,
          field: 'metadata.name',
          message: `Entity ${prepared.ref} is already provided by location ${input.describeLocation(owner)}; not taken from here`,
        });
        plan.conflictPaths.add(file.path);
        continue;
      }
      taken.set(prepared.ref, file.path);
      if (own && own.hash === prepared.hash && own.filePath === prepared.filePath) {
        plan.unchanged++;
        continue;
      }
      plan.upserts.push(toWrite(prepared, own, input));
      (own ? plan.updated : plan.added).push(prepared.ref);
    }
    for (const ref of file.invalidRefs) {
      const own = existing.get(ref);
      if (!own || taken.has(ref) || kept.has(ref) || !reread.has(own.filePath ?? '')) continue;
      const json = input.storedJson.get(ref);
      if (json === undefined) continue;
      kept.add(ref);
      const items: EntityStatusItem[] = file.errors
        .filter((e) => e.entityRef === ref)
        .map((e) => ({
          type: 'backstage.io/catalog-processing',
          level: 'error',
          message: describeError(e),
          error: { name: 'InputError', message: describeError(e) },
        }));
      const write = keepFlagged(JSON.parse(json) as Entity, own, items, file.path, input);
      if (write.row.hash !== own.hash) {
        plan.upserts.push(write);
        plan.updated.push(ref);
      }
    }
  }

  for (const header of input.existing) {
    if (!reread.has(header.filePath ?? '')) continue;
    if (taken.has(header.entityRef) || kept.has(header.entityRef)) continue;
    plan.removeRefs.push(header.entityRef);
  }
  return plan;
}

function toWrite(prepared: PreparedEntity, own: EntityHeader | undefined, input: PlanInput): EntityWrite {
  const uid = own?.uid ?? newId();
  const generation = own ? own.generation + 1 : 1;
  const entity: Entity = {
    ...prepared.entity,
    metadata: { ...prepared.entity.metadata, uid, etag: prepared.hash.slice(0, 20), generation },
  };
  return buildWrite(entity, prepared.relations, {
    uid,
    ref: prepared.ref,
    locationId: input.locationId,
    filePath: prepared.filePath,
    hash: prepared.hash,
    generation,
    createdAt: own?.createdAt ?? input.now,
    now: input.now,
    replaces: own !== undefined,
  });
}

/** The last good version of an entity whose descriptor broke, with the problems in `status.items`. */
function keepFlagged(
  stored: Entity,
  own: EntityHeader,
  items: EntityStatusItem[],
  filePath: string,
  input: PlanInput,
): EntityWrite {
  const hash = `${own.hash.replace(/:invalid:.*$/, '')}:invalid:${createHash('sha1').update(JSON.stringify(items)).digest('hex').slice(0, 12)}`;
  const entity: Entity = { ...stored, status: { items } };
  return buildWrite(entity, computeRelations(entity), {
    uid: own.uid,
    ref: own.entityRef,
    locationId: input.locationId,
    filePath,
    hash,
    generation: own.generation,
    createdAt: own.createdAt,
    now: input.now,
    replaces: true,
  });
}

function buildWrite(
  entity: Entity,
  relations: ComputedRelation[],
  meta: {
    uid: string;
    ref: string;
    locationId: string | null;
    filePath: string;
    hash: string;
    generation: number;
    createdAt: string;
    now: string;
    replaces: boolean;
  },
): EntityWrite {
  const owner = relations.find((r) => r.type === 'ownedBy')?.targetRef;
  return {
    row: {
      uid: meta.uid,
      entity_ref: meta.ref,
      kind: entity.kind,
      namespace: entity.metadata.namespace || DEFAULT_NAMESPACE,
      name: entity.metadata.name,
      location_id: meta.locationId,
      file_path: meta.filePath,
      entity_json: JSON.stringify(entity),
      hash: meta.hash,
      generation: meta.generation,
      search_text: fullTextOf(entity, owner),
      created_at: meta.createdAt,
      updated_at: meta.now,
    },
    replaces: meta.replaces,
    relations,
    search: toSearchRows(entity, relations).map((r) => ({ key: r.key, value: r.value })),
  };
}

function describeError(e: DescriptorError): string {
  const where = [e.file, e.line, e.column].filter((p) => p !== undefined).join(':');
  return `${where}${e.field ? ` ${e.field}` : ''}: ${e.message}`;
}
