import type { Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import { newId } from '../../../platform/ids.js';

/** Row types of the radar tables (see migrations.ts for what each is for). */
export interface RadarTables {
  radar_sources: SourceRow;
  radar_radars: RadarRow;
  radar_ring_moves: RingMoveRow;
}

export interface SourceRow {
  id: string;
  type: 'git' | 'file';
  target: string;
  path: string;
  ref: string;
  radar_name: string | null;
  last_version: string | null;
  last_loaded_at: string | null;
  last_error: string | null;
  problems_json: string;
  created_by: string;
  created_at: string;
}

export interface RadarRow {
  id: string;
  name: string;
  definition_json: string;
  yaml: string;
  source_id: string | null;
  problems_json: string;
  updated_by: string;
  created_at: string;
  updated_at: string;
}

export interface RingMoveRow {
  id: string;
  radar_name: string;
  entry_id: string;
  from_ring: string | null;
  to_ring: string;
  moved_at: string;
  moved_by: string;
  reason: string;
}

export type NewRingMove = Omit<RingMoveRow, 'id'>;

export interface RadarStore {
  listRadars(): Promise<RadarRow[]>;
  getRadar(name: string): Promise<RadarRow | undefined>;
  /** Writes the radar and its ring moves in one transaction. */
  saveRadar(row: RadarRow, moves: readonly NewRingMove[]): Promise<void>;
  deleteRadar(name: string): Promise<void>;
  ringMoves(radarName: string, entryId?: string): Promise<RingMoveRow[]>;
  listSources(): Promise<SourceRow[]>;
  getSource(id: string): Promise<SourceRow | undefined>;
  findSource(input: Pick<SourceRow, 'type' | 'target' | 'path' | 'ref'>): Promise<SourceRow | undefined>;
  insertSource(row: SourceRow): Promise<void>;
  updateSource(id: string, patch: Partial<Omit<SourceRow, 'id'>>): Promise<void>;
  deleteSource(id: string): Promise<void>;
}

/**
 * SQL for the radar tables, the same on SQLite and PostgreSQL.
 *
 * @example
 * const store = createRadarStore(database);
 * const row = await store.getRadar('golden-tech');
 */
export function createRadarStore(database: Database): RadarStore {
  const db = database.db as Kysely<RadarTables>;
  return {
    listRadars: () => db.selectFrom('radar_radars').selectAll().orderBy('name').execute(),
    getRadar: (name) => db.selectFrom('radar_radars').selectAll().where('name', '=', name).executeTakeFirst(),
    async saveRadar(row, moves) {
      await db.transaction().execute(async (trx) => {
        const { id: _id, name: _name, created_at: _created, ...changes } = row;
        const updated = await trx
          .updateTable('radar_radars')
          .set(changes)
          .where('name', '=', row.name)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) await trx.insertInto('radar_radars').values(row).execute();
        if (moves.length > 0) {
          await trx
            .insertInto('radar_ring_moves')
            .values(moves.map((m) => ({ ...m, id: newId() })))
            .execute();
        }
      });
    },
    async deleteRadar(name) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('radar_radars').where('name', '=', name).execute();
        await trx.deleteFrom('radar_ring_moves').where('radar_name', '=', name).execute();
      });
    },
    ringMoves(radarName, entryId) {
      let query = db.selectFrom('radar_ring_moves').selectAll().where('radar_name', '=', radarName);
      if (entryId !== undefined) query = query.where('entry_id', '=', entryId);
      return query.orderBy('id').execute();
    },
    listSources: () => db.selectFrom('radar_sources').selectAll().orderBy('id').execute(),
    getSource: (id) => db.selectFrom('radar_sources').selectAll().where('id', '=', id).executeTakeFirst(),
    findSource: (input) =>
      db
        .selectFrom('radar_sources')
        .selectAll()
        .where('type', '=', input.type)
        .where('target', '=', input.target)
        .where('path', '=', input.path)
        .where('ref', '=', input.ref)
        .executeTakeFirst(),
    async insertSource(row) {
      await db.insertInto('radar_sources').values(row).execute();
    },
    async updateSource(id, patch) {
      await db.updateTable('radar_sources').set(patch).where('id', '=', id).execute();
    },
    async deleteSource(id) {
      await db.deleteFrom('radar_sources').where('id', '=', id).execute();
    },
  };
}
