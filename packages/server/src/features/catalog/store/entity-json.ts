import type { Entity, EntityRelation } from '../model/entity.js';
import { inverseRelation } from '../model/relations.js';

/** The stored columns an entity's API form is made from. */
export interface StoredEntityText {
  uid: string;
  entity_json: string;
  hash: string;
  generation: number;
}

/**
 * Parses a stored row into an entity with its server-populated metadata.
 *
 * @example
 * parseRow(row).metadata.uid // the row's uid
 */
export function parseRow(row: StoredEntityText): Entity {
  const entity = JSON.parse(row.entity_json) as Entity;
  entity.metadata = {
    ...entity.metadata,
    uid: entity.metadata?.uid ?? row.uid,
    etag: entity.metadata?.etag ?? row.hash,
    generation: entity.metadata?.generation ?? Number(row.generation),
  };
  return entity;
}

/**
 * The API form of a stored entity as JSON text, byte for byte what
 * `JSON.stringify` gives for the parsed entity with its server fields and
 * `relations` set (see `parseRow`), without parsing it. Ingestion stores the
 * entity as `JSON.stringify` output that already holds `metadata.uid`, `etag` and
 * `generation` and never a root `relations` key, so the API form is the stored
 * text with `"relations":[...]` appended as the last root key. Parsing and
 * re-serialising a page of 100 entities costs several milliseconds; appending
 * costs next to nothing. Text that does not have that shape goes the slow way.
 *
 * @example
 * entityJsonWithRelations(row, [{ type: 'ownedBy', targetRef: 'group:default/a', target: {...} }])
 * // '{"apiVersion":"backstage.io/v1alpha1",...,"relations":[{"type":"ownedBy",...}]}'
 */
export function entityJsonWithRelations(row: StoredEntityText, relations: readonly EntityRelation[] | string): string {
  const text = row.entity_json;
  if (!isSpliceable(text)) {
    const list = typeof relations === 'string' ? (JSON.parse(relations) as EntityRelation[]) : relations;
    return JSON.stringify({ ...parseRow(row), relations: list });
  }
  return `${text.slice(0, -1)},"relations":${typeof relations === 'string' ? relations : JSON.stringify(relations)}}`;
}

/** One stored relation row, as the read side selects it. */
export interface RelationEdge {
  source_ref: string;
  type: string;
  target_ref: string;
}

/**
 * The `relations` list of each ref as JSON text: its stored outgoing edges plus
 * the inverse of every edge pointing at it, without duplicates, sorted by type
 * then target. The same text as `JSON.stringify(groupRelations(refs, rows).get(ref))`,
 * written directly: a page of 100 entities has several hundred relations, and
 * building an object per relation only to serialise it costs more than the text.
 * Refs with no relation are absent.
 *
 * @example
 * relationsJsonByRef(['group:default/a'], [{ source_ref: 'component:default/web', type: 'ownedBy', target_ref: 'group:default/a' }])
 * // Map { 'group:default/a' => '[{"type":"ownerOf","targetRef":"component:default/web","target":{...}}]' }
 */
export function relationsJsonByRef(refs: readonly string[], rows: readonly RelationEdge[]): Map<string, string> {
  const wanted = new Set(refs);
  const byRef = new Map<string, string[]>();
  const add = (ref: string, type: string, targetRef: string): void => {
    if (!wanted.has(ref)) return;
    const list = byRef.get(ref);
    // NUL sorts before every character, so "type\0target" sorts by type, then target.
    if (list) list.push(`${type}\u0000${targetRef}`);
    else byRef.set(ref, [`${type}\u0000${targetRef}`]);
  };
  for (const row of rows) {
    add(row.source_ref, row.type, row.target_ref);
    const inverse = inverseRelation(row.type);
    if (inverse) add(row.target_ref, inverse, row.source_ref);
  }
  const out = new Map<string, string>();
  for (const [ref, list] of byRef) {
    list.sort();
    const parts: string[] = [];
    let previous: string | undefined;
    for (const pair of list) {
      if (pair === previous) continue;
      previous = pair;
      const cut = pair.indexOf('\u0000');
      const targetRef = pair.slice(cut + 1);
      const colon = targetRef.indexOf(':');
      const slash = targetRef.indexOf('/', colon + 1);
      parts.push(
        `{"type":${JSON.stringify(pair.slice(0, cut))},"targetRef":${JSON.stringify(targetRef)},"target":{"kind":${JSON.stringify(
          targetRef.slice(0, colon),
        )},"namespace":${JSON.stringify(targetRef.slice(colon + 1, slash))},"name":${JSON.stringify(targetRef.slice(slash + 1))}}}`,
      );
    }
    out.set(ref, `[${parts.join(',')}]`);
  }
  return out;
}

/**
 * Whether stored text can take `relations` appended: an object with more than
 * one key, the server fields present and no `relations` string anywhere (which
 * rules out a root key of that name; a tag spelled so merely takes the slow path).
 */
function isSpliceable(text: string): boolean {
  return (
    text.length > 2 &&
    text.charCodeAt(0) === 0x7b /* { */ &&
    text.charCodeAt(text.length - 1) === 0x7d /* } */ &&
    !text.includes('"relations"') &&
    text.includes('"uid":"') &&
    text.includes('"etag":"') &&
    text.includes('"generation":')
  );
}
