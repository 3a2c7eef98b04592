import type { ToggleContext } from '@backbeat/toggles-sdk';

const ROOT_FIELDS = new Set(['userId', 'sessionId', 'remoteAddress', 'environment', 'appName', 'currentTime']);

export class ContextError extends Error {}

/**
 * An Unleash context from loose input (frontend API query or body, OFREP context):
 * the known fields stay at the root, everything else moves into `properties`, as
 * Unleash's frontend API does. OFREP's `targetingKey` is the userId unless one is
 * given. Numbers and booleans become strings; nested objects are refused, naming
 * the field.
 *
 * @example
 * toToggleContext({ targetingKey: 'u1', country: 'SE' }); // { userId: 'u1', properties: { country: 'SE' } }
 */
export function toToggleContext(input: Record<string, unknown>, defaults: Partial<ToggleContext> = {}): ToggleContext {
  const context: ToggleContext = { ...defaults };
  const properties: Record<string, string> = {};
  const text = (field: string, value: unknown): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new ContextError(`context.${field} must be a string, number or boolean`);
  };
  for (const [field, value] of Object.entries(input)) {
    if (field === 'properties') {
      if (value === undefined || value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value))
        throw new ContextError('context.properties must be an object');
      for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
        const v = text(`properties.${name}`, inner);
        if (v !== undefined) properties[name] = v;
      }
      continue;
    }
    const v = text(field, value);
    if (v === undefined) continue;
    if (field === 'targetingKey') {
      if (input.userId === undefined) context.userId = v;
    } else if (ROOT_FIELDS.has(field)) {
      (context as Record<string, unknown>)[field] = v;
    } else {
      properties[field] = v;
    }
  }
  if (Object.keys(properties).length > 0) context.properties = properties;
  return context;
}
