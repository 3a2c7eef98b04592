import type { ToggleContext } from './types.js';

/** A precompiled read of one context field, as a string; `undefined` when absent. */
export type FieldReader = (context: ToggleContext) => string | undefined;

const readers = new Map<string, FieldReader>();

/**
 * The reader of a context field: `context[field] ?? context.properties[field]`, as a string.
 * Readers are cached per field name, so compiling many flags creates few closures.
 *
 * @example
 * fieldReader('tenant')({ properties: { tenant: 'acme' } }); // 'acme'
 */
export function fieldReader(field: string): FieldReader {
  let reader = readers.get(field);
  if (reader) return reader;
  // Own properties only, so a field named like an Object.prototype member ("constructor")
  // reads as absent rather than as a function.
  reader = (context) => {
    let value: unknown = Object.hasOwn(context, field) ? (context as Record<string, unknown>)[field] : undefined;
    if (value === undefined || value === null) {
      const properties = context.properties;
      value = properties && Object.hasOwn(properties, field) ? properties[field] : undefined;
    }
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : String(value);
  };
  readers.set(field, reader);
  return reader;
}
