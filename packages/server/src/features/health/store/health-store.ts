import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import { newId } from '../../../platform/ids.js';
import type {
  AttestationRow,
  CertificationHistoryRow,
  DefinitionRow,
  EntityStateRow,
  FactStateRow,
  HealthTables,
} from './health-tables.js';

/** What one collector run produced for one entity. */
export interface FactOutcome {
  entityRef: string;
  collector: string;
  version: number;
  fingerprint: string | null;
  at: string;
  /** New facts (with their hash), or an error; `changed` adds a history row. */
  facts?: { json: string; hash: string; changed: boolean };
  error?: string;
}

/** One entity's evaluation to store; history rows are added by the caller's flags. */
export interface EvaluationWrite {
  entityRef: string;
  ownerRef: string | null;
  resultsJson: string;
  certificationsJson: string;
  hash: string;
  at: string;
  /** Check name -> status, when the statuses changed. */
  statusesChanged?: Record<string, string>;
  /** Tracks whose level changed. */
  levelChanges: { track: string; level: string | null; rank: number }[];
}

const CHUNK = 200;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * SQL for tech health. Writes are batched: multi-row inserts and upserts in one
 * transaction per batch, so evaluating ten thousand entities is a few hundred
 * statements rather than tens of thousands.
 *
 * @example
 * const store = createHealthStore(database);
 * const states = await store.factStates(['component:default/web']);
 */
export function createHealthStore(database: Database) {
  const db = database.db as Kysely<HealthTables>;
  const sqlite = database.sqlite;
  const prepared = new Map<string, ReturnType<NonNullable<typeof sqlite>['prepare']>>();

  /**
   * Inserts (or upserts, with `conflict`) many rows. On SQLite, a cached prepared
   * single-row statement run per row on the raw handle, inside the Kysely
   * transaction that owns it (the synchronous runs cannot interleave); elsewhere a
   * multi-row statement as SQL text with bound parameters. Kysely's builder would
   * spend more time compiling ten thousand rows of values than the database writing them.
   */
  async function writeRows<T extends keyof HealthTables>(
    trx: Transaction<HealthTables>,
    table: T,
    columns: readonly (keyof HealthTables[T] & string)[],
    rows: readonly HealthTables[T][],
    conflict?: { keys: readonly string[]; update: readonly string[] },
  ): Promise<void> {
    if (rows.length === 0) return;
    const columnList = columns.map((c) => `"${c}"`).join(', ');
    const onConflict = conflict
      ? ` on conflict (${conflict.keys.map((k) => `"${k}"`).join(', ')}) do update set ${conflict.update
          .map((c) => `"${c}" = excluded."${c}"`)
          .join(', ')}`
      : '';
    if (sqlite) {
      const text = `insert into "${table}" (${columnList}) values (${columns.map(() => '?').join(', ')})${onConflict}`;
      let statement = prepared.get(text);
      if (!statement) {
        statement = sqlite.prepare(text);
        prepared.set(text, statement);
      }
      const values: unknown[] = new Array(columns.length);
      for (const row of rows) {
        for (let i = 0; i < columns.length; i++) values[i] = row[columns[i]!] ?? null;
        statement.run(values);
      }
      return;
    }
    const perChunk = Math.max(1, Math.floor(20_000 / columns.length));
    for (let start = 0; start < rows.length; start += perChunk) {
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (const row of rows.slice(start, start + perChunk)) {
        const marks: string[] = [];
        for (const column of columns) {
          params.push(row[column] ?? null);
          marks.push(`$${params.length}`);
        }
        tuples.push(`(${marks.join(', ')})`);
      }
      await trx.executeQuery(
        CompiledQuery.raw(`insert into "${table}" (${columnList}) values ${tuples.join(', ')}${onConflict}`, params),
      );
    }
  }

  return {
    async factStates(entityRefs?: readonly string[]): Promise<FactStateRow[]> {
      if (!entityRefs) return db.selectFrom('health_fact_state').selectAll().execute();
      const out: FactStateRow[] = [];
      for (const part of chunks(entityRefs, 500)) {
        if (part.length === 0) continue;
        out.push(...(await db.selectFrom('health_fact_state').selectAll().where('entity_ref', 'in', part).execute()));
      }
      return out;
    },

    async saveFactOutcomes(outcomes: readonly FactOutcome[]): Promise<void> {
      if (outcomes.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const part of chunks(outcomes)) {
          const history = part.filter((o) => o.facts?.changed);
          if (history.length > 0) {
            await trx
              .insertInto('health_fact_history')
              .values(
                history.map((o) => ({
                  id: newId(),
                  entity_ref: o.entityRef,
                  collector: o.collector,
                  version: o.version,
                  facts_json: o.facts!.json,
                  facts_hash: o.facts!.hash,
                  collected_at: o.at,
                })),
              )
              .execute();
          }
          const withFacts = part.filter((o) => o.facts);
          if (withFacts.length > 0) {
            await trx
              .insertInto('health_fact_state')
              .values(
                withFacts.map((o) => ({
                  entity_ref: o.entityRef,
                  collector: o.collector,
                  version: o.version,
                  fingerprint: o.fingerprint,
                  facts_json: o.facts!.json,
                  facts_hash: o.facts!.hash,
                  error: null,
                  collected_at: o.at,
                  checked_at: o.at,
                })),
              )
              .onConflict((oc) =>
                oc.columns(['entity_ref', 'collector']).doUpdateSet((eb) => ({
                  version: eb.ref('excluded.version'),
                  fingerprint: eb.ref('excluded.fingerprint'),
                  facts_json: eb.ref('excluded.facts_json'),
                  facts_hash: eb.ref('excluded.facts_hash'),
                  error: eb.ref('excluded.error'),
                  collected_at: eb.ref('excluded.collected_at'),
                  checked_at: eb.ref('excluded.checked_at'),
                })),
              )
              .execute();
          }
          // A failure keeps the last good facts and records why the newest could not be had.
          for (const o of part.filter((x) => x.error !== undefined)) {
            await trx
              .insertInto('health_fact_state')
              .values({
                entity_ref: o.entityRef,
                collector: o.collector,
                version: o.version,
                fingerprint: null,
                facts_json: null,
                facts_hash: null,
                error: o.error ?? null,
                collected_at: null,
                checked_at: o.at,
              })
              .onConflict((oc) =>
                oc
                  .columns(['entity_ref', 'collector'])
                  .doUpdateSet({ error: o.error ?? null, fingerprint: null, checked_at: o.at }),
              )
              .execute();
          }
        }
      });
    },

    /** Drops the current state of entities that left the catalog; their history stays for trends. */
    async forgetEntities(entityRefs: readonly string[]): Promise<void> {
      for (const part of chunks(entityRefs, 500)) {
        if (part.length === 0) continue;
        await db.deleteFrom('health_entity_state').where('entity_ref', 'in', part).execute();
        await db.deleteFrom('health_fact_state').where('entity_ref', 'in', part).execute();
      }
    },

    async factHistory(entityRef: string, collector?: string, limit = 50) {
      let query = db
        .selectFrom('health_fact_history')
        .selectAll()
        .where('entity_ref', '=', entityRef)
        .orderBy('id', 'desc')
        .limit(limit);
      if (collector) query = query.where('collector', '=', collector);
      return query.execute();
    },

    async definitions(): Promise<DefinitionRow[]> {
      return db.selectFrom('health_definitions').selectAll().orderBy('kind').orderBy('name').execute();
    },

    async upsertDefinitions(rows: readonly DefinitionRow[]): Promise<void> {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const part of chunks(rows)) {
          await trx
            .insertInto('health_definitions')
            .values([...part])
            .onConflict((oc) =>
              oc.columns(['kind', 'name']).doUpdateSet((eb) => ({
                spec_json: eb.ref('excluded.spec_json'),
                source: eb.ref('excluded.source'),
                updated_by: eb.ref('excluded.updated_by'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
      });
    },

    async deleteDefinition(kind: string, name: string): Promise<boolean> {
      const result = await db
        .deleteFrom('health_definitions')
        .where('kind', '=', kind)
        .where('name', '=', name)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async entityStates(entityRefs?: readonly string[]): Promise<EntityStateRow[]> {
      if (!entityRefs) return db.selectFrom('health_entity_state').selectAll().execute();
      const out: EntityStateRow[] = [];
      for (const part of chunks(entityRefs, 500)) {
        if (part.length === 0) continue;
        out.push(...(await db.selectFrom('health_entity_state').selectAll().where('entity_ref', 'in', part).execute()));
      }
      return out;
    },

    /** Hash of each stored evaluation, to write only what changed. */
    async entityHashes(
      entityRefs?: readonly string[],
    ): Promise<Map<string, { hash: string; certifications: string; owner: string | null }>> {
      const rows: Pick<EntityStateRow, 'entity_ref' | 'hash' | 'certifications_json' | 'owner_ref'>[] = [];
      const select = () =>
        db.selectFrom('health_entity_state').select(['entity_ref', 'hash', 'certifications_json', 'owner_ref']);
      if (!entityRefs) rows.push(...(await select().execute()));
      else
        for (const part of chunks(entityRefs, 500)) {
          if (part.length > 0) rows.push(...(await select().where('entity_ref', 'in', part).execute()));
        }
      return new Map(
        rows.map((r) => [r.entity_ref, { hash: r.hash, certifications: r.certifications_json, owner: r.owner_ref }]),
      );
    },

    async saveEvaluations(writes: readonly EvaluationWrite[]): Promise<void> {
      if (writes.length === 0) return;
      await db.transaction().execute(async (trx) => {
        await writeRows(
          trx,
          'health_entity_state',
          ['entity_ref', 'owner_ref', 'results_json', 'certifications_json', 'hash', 'evaluated_at'],
          writes.map((w) => ({
            entity_ref: w.entityRef,
            owner_ref: w.ownerRef,
            results_json: w.resultsJson,
            certifications_json: w.certificationsJson,
            hash: w.hash,
            evaluated_at: w.at,
          })),
          {
            keys: ['entity_ref'],
            update: ['owner_ref', 'results_json', 'certifications_json', 'hash', 'evaluated_at'],
          },
        );
        await writeRows(
          trx,
          'health_result_history',
          ['id', 'entity_ref', 'owner_ref', 'statuses_json', 'at'],
          writes
            .filter((w) => w.statusesChanged)
            .map((w) => ({
              id: newId(),
              entity_ref: w.entityRef,
              owner_ref: w.ownerRef,
              statuses_json: JSON.stringify(w.statusesChanged),
              at: w.at,
            })),
        );
        await writeRows(
          trx,
          'health_certification_history',
          ['id', 'entity_ref', 'owner_ref', 'track', 'level', 'rank', 'at'],
          writes.flatMap((w) =>
            w.levelChanges.map((c) => ({
              id: newId(),
              entity_ref: w.entityRef,
              owner_ref: w.ownerRef,
              track: c.track,
              level: c.level,
              rank: c.rank,
              at: w.at,
            })),
          ),
        );
      });
    },

    async certificationHistory(
      options: { track?: string; entityRef?: string } = {},
    ): Promise<CertificationHistoryRow[]> {
      let query = db.selectFrom('health_certification_history').selectAll().orderBy('at').orderBy('id');
      if (options.track) query = query.where('track', '=', options.track);
      if (options.entityRef) query = query.where('entity_ref', '=', options.entityRef);
      return query.execute();
    },

    /**
     * Status-history rows, oldest first: of one entity, of a set of entities (read
     * in chunks, then merged in time order), or of every entity.
     */
    async resultHistory(options: { entityRef?: string; entityRefs?: readonly string[] } = {}) {
      const select = () => db.selectFrom('health_result_history').selectAll().orderBy('at').orderBy('id');
      if (options.entityRefs) {
        const rows = [];
        for (const part of chunks(options.entityRefs, 500)) {
          if (part.length > 0) rows.push(...(await select().where('entity_ref', 'in', part).execute()));
        }
        return rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      }
      let query = select();
      if (options.entityRef) query = query.where('entity_ref', '=', options.entityRef);
      return query.execute();
    },

    async addAttestation(row: AttestationRow): Promise<void> {
      await db.insertInto('health_attestations').values(row).execute();
    },

    /** The newest attestation per (entity, check). */
    async latestAttestations(entityRefs?: readonly string[]): Promise<AttestationRow[]> {
      const rows: AttestationRow[] = [];
      if (!entityRefs) rows.push(...(await db.selectFrom('health_attestations').selectAll().orderBy('id').execute()));
      else
        for (const part of chunks(entityRefs, 500)) {
          if (part.length === 0) continue;
          rows.push(
            ...(await db
              .selectFrom('health_attestations')
              .selectAll()
              .where('entity_ref', 'in', part)
              .orderBy('id')
              .execute()),
          );
        }
      const latest = new Map<string, AttestationRow>();
      for (const row of rows) latest.set(`${row.entity_ref}\n${row.check_name}`, row);
      return [...latest.values()];
    },
  };
}

export type HealthStore = ReturnType<typeof createHealthStore>;
