import type { YamlValue } from './yaml.js';

/** Backstage core apiVersion used by every generated descriptor. */
export const API_VERSION = 'backstage.io/v1alpha1';

/**
 * A catalog descriptor as written to YAML. A local type: this package must not
 * depend on the server, and generated data needs only the envelope.
 */
export interface Descriptor {
  [key: string]: YamlValue;
  apiVersion: string;
  kind: string;
  metadata: {
    [key: string]: YamlValue;
    name: string;
  };
  spec: { [key: string]: YamlValue };
}

/**
 * `playback-squad` -> `Playback Squad`.
 *
 * @example
 * titleCase('royalty-statements-api') // 'Royalty Statements Api'
 */
export function titleCase(name: string): string {
  return name
    .split(/[-_.]/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * The first name not yet in `used` among `base`, `base-2`, `base-3`... and records it.
 *
 * @example
 * uniqueName('radar', new Set(['radar'])) // 'radar-2'
 */
export function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
  used.add(name);
  return name;
}
