import type { Actor, MembershipResolver } from '../../platform/auth/actor.js';
import { assertCanWrite } from '../../platform/auth/authorize.js';
import type { EventLog } from '../../platform/events/event-log.js';
import { NotFoundError } from '../../platform/http/problem.js';
import type { LocationService, RegisterLocationInput } from './locations/location-service.js';
import type { Entity } from './model/entity.js';
import { computeRelations, validateEntity as validateDescriptor } from './model/index.js';
import type { CatalogWriteStore } from './store/catalog-write-store.js';

/** Backstage's validate-entity answer: empty when valid. */
export interface EntityValidation {
  errors: { name: string; message: string }[];
}

/**
 * The catalog's mutations and location queries, as routes, jobs, the CLI and demo
 * seeding use them. Reading entities is the read store's business.
 *
 * @example
 * const catalog = createCatalogService({ locations, store, events, membership });
 * await catalog.registerLocation({ actor, type: 'git', target: '/srv/repos/web', options: { path: '**\/*.yaml' } });
 */
export function createCatalogService(deps: {
  locations: LocationService;
  store: CatalogWriteStore;
  events: EventLog;
  membership: MembershipResolver;
}) {
  const { locations, store, events } = deps;

  /** Deletes one entity. If its descriptor still holds it, the next refresh of its location brings it back (as in Backstage). */
  async function deleteEntityByUid(actor: Actor, uid: string): Promise<void> {
    const row = await store.entityByUid(uid);
    if (!row) throw new NotFoundError(`No entity with uid ${uid}`);
    const entity = JSON.parse(row.entity_json) as Entity;
    const owners = computeRelations(entity)
      .filter((r) => r.type === 'ownedBy')
      .map((r) => r.targetRef);
    await assertCanWrite(actor, { ownerRefs: owners, membership: deps.membership });
    await store.deleteEntity(row.entity_ref, row.location_id);
    if (row.location_id && row.file_path) await store.forceReread(row.location_id, [row.file_path]);
    await events.append(actor, { type: 'catalog.entity.deleted', subject: row.entity_ref, before: entity });
    await locations.announceEntityChanges(actor, row.location_id ?? row.entity_ref, [], [], [row.entity_ref]);
  }

  /** Queues a refresh of the location an entity came from. */
  async function refreshEntity(actor: Actor, entityRef: string): Promise<{ locationId: string }> {
    const locationId = await locations.locationOfEntityRef(entityRef);
    await locations.requestRefresh(actor, locationId);
    return { locationId };
  }

  /**
   * Checks a descriptor against the catalog's rules without storing it, as
   * Backstage's `POST /validate-entity` does.
   */
  function validateEntity(input: { entity: unknown; location: string }): EntityValidation {
    const errors: EntityValidation['errors'] = [];
    if (typeof input.location !== 'string' || !/^[a-z][a-z0-9-]*:.+/.test(input.location)) {
      errors.push({
        name: 'InputError',
        message: `location "${String(input.location)}" is not of the form <type>:<target>`,
      });
    }
    for (const problem of validateDescriptor(input.entity)) {
      errors.push({ name: 'InputError', message: `${problem.field}: ${problem.message}` });
    }
    return { errors };
  }

  return {
    registerLocation: (input: RegisterLocationInput) => locations.register(input),
    listLocations: () => locations.list(),
    getLocation: (id: string) => locations.get(id),
    getLocationByEntity: (ref: { kind: string; namespace: string; name: string }) => locations.byEntity(ref),
    deleteLocation: (actor: Actor, id: string) => locations.remove(actor, id),
    /** Queues a refresh of one location (202). */
    refreshLocation: (actor: Actor, id: string) => locations.requestRefresh(actor, id),
    /** Refreshes one location now; the job handler calls this. */
    refreshLocationNow: (id: string, actor?: Actor) => locations.refreshNow(id, actor),
    enqueueDueRefreshes: (now?: Date) => locations.enqueueDue(now),
    locationStatus: () => locations.status(),
    locationErrors: (id: string) => locations.errors(id),
    refreshEntity,
    deleteEntityByUid,
    validateEntity,
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
