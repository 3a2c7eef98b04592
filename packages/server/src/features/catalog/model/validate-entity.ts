/**
 * Backstage's default descriptor rules (envelope schema, FieldFormatEntityPolicy,
 * Kubernetes-style name rules, the built-in kind schemas), hand-written so that
 * validating an entity costs a few regex tests and no schema compilation or
 * per-call allocation beyond the problems found.
 */

import { type KindRule, kindRule, misspelledBuiltinKind, PROFILE_FIELDS, type SpecFieldRule } from './kinds.js';
import { asPlaceholder } from './placeholders.js';
import { DEFAULT_NAMESPACE, parseEntityRef } from './refs.js';

/** One broken rule: `field` is a dotted path such as `metadata.name` or `spec.dependsOn.1`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Root keys Backstage's envelope schema allows (`additionalProperties: false`). */
export const ROOT_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'relations', 'status'] as const;

/** Root keys a descriptor file may hold: Backstage's NoForeignRootFieldsEntityPolicy rejects relations and status there. */
export const DESCRIPTOR_ROOT_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'] as const;

export interface ValidateEntityOptions {
  /**
   * Validate as input read from a descriptor file: `relations` and `status` are
   * output only and rejected, as Backstage does. Default false (served entities carry them).
   */
  descriptor?: boolean;
}

const ROOT_KEY_SET: ReadonlySet<string> = new Set(ROOT_KEYS);
const DESCRIPTOR_ROOT_KEY_SET: ReadonlySet<string> = new Set(DESCRIPTOR_ROOT_KEYS);
const OBJECT_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
// Current Backstage accepts runs of hyphens inside a label (`a--b`), like RFC 1123.
const DNS_LABEL = /^[a-z0-9]+(?:-+[a-z0-9]+)*$/;
const KIND = /^[a-zA-Z][a-z0-9A-Z]*$/;
const API_VERSION_SUFFIX = /^[a-z0-9A-Z]+$/;
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

const NAME_EXPECTATION =
  'sequences of [a-zA-Z0-9] separated by any of [-_.], starting and ending with [a-zA-Z0-9], 1-63 characters';
const DNS_LABEL_EXPECTATION = 'sequences of [a-z0-9] separated by hyphens, 1-63 characters (lowercase only)';
const KEY_EXPECTATION = `an optional DNS-subdomain prefix and "/" followed by a name of ${NAME_EXPECTATION}`;
const TAG_EXPECTATION = 'sequences of [a-z0-9:+#] separated by [-], 1-63 characters (lowercase only)';

/**
 * Backstage entity name rule (Kubernetes object name): 1-63 chars of
 * `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
 *
 * @example
 * isValidEntityName('artist-web') // true
 * isValidEntityName('-bad') // false
 */
export function isValidEntityName(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && OBJECT_NAME.test(value);
}

/**
 * DNS label as Backstage reads it: `[a-z0-9]` runs joined by hyphens, 1-63 chars.
 *
 * @example
 * isValidNamespace('team-a') // true
 * isValidNamespace('Team-A') // false
 */
export function isValidNamespace(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && DNS_LABEL.test(value);
}

/**
 * DNS subdomain: dot-separated DNS labels, at most 253 chars.
 *
 * @example
 * isValidDnsSubdomain('backstage.io') // true
 */
export function isValidDnsSubdomain(value: string): boolean {
  if (value.length < 1 || value.length > 253) return false;
  let start = 0;
  while (true) {
    const dot = value.indexOf('.', start);
    const label = dot === -1 ? value.slice(start) : value.slice(start, dot);
    if (!isValidNamespace(label)) return false;
    if (dot === -1) return true;
    start = dot + 1;
  }
}

/**
 * Kind: 1-63 chars of `^[a-zA-Z][a-z0-9A-Z]*$`.
 *
 * @example
 * isValidKind('Component') // true
 */
export function isValidKind(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && KIND.test(value);
}

function isValidPrefixAndOrSuffix(
  value: string,
  isValidPrefix: (prefix: string) => boolean,
  isValidSuffix: (suffix: string) => boolean,
): boolean {
  const slash = value.indexOf('/');
  if (slash === -1) return isValidSuffix(value);
  if (value.indexOf('/', slash + 1) !== -1) return false;
  return isValidPrefix(value.slice(0, slash)) && isValidSuffix(value.slice(slash + 1));
}

function isValidApiVersionSuffix(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && API_VERSION_SUFFIX.test(value);
}

/**
 * `[<dns-subdomain>/]<1-63 alphanumerics>`, e.g. `backstage.io/v1alpha1`.
 *
 * @example
 * isValidApiVersion('backstage.io/v1alpha1') // true
 */
export function isValidApiVersion(value: unknown): value is string {
  return typeof value === 'string' && isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, isValidApiVersionSuffix);
}

/**
 * Label and annotation key: optional DNS-subdomain prefix, `/`, entity-name rule.
 *
 * @example
 * isValidLabelOrAnnotationKey('backstage.io/techdocs-ref') // true
 */
export function isValidLabelOrAnnotationKey(value: unknown): value is string {
  return typeof value === 'string' && isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, isValidEntityName);
}

/**
 * Label value: empty string or the entity-name rule.
 *
 * @example
 * isValidLabelValue('') // true
 */
export function isValidLabelValue(value: unknown): value is string {
  return value === '' || isValidEntityName(value);
}

/**
 * Tag: 1-63 chars of `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`.
 *
 * @example
 * isValidTag('c++') // true
 * isValidTag('Java') // false
 */
export function isValidTag(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && TAG.test(value);
}

/**
 * A URL the WHATWG parser accepts (Backstage's link rule).
 *
 * @example
 * isValidUrl('https://example.com') // true
 */
export function isValidUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  return URL.canParse(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length >= 1;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return `"${shown}"${value.length > 63 ? ` (${value.length} characters)` : ''}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function invalid(field: string, value: unknown, expectation: string): FieldProblem {
  return { field, message: `${field} is not valid: expected ${expectation}, found ${describe(value)}` };
}

function checkKeyValueMap(
  problems: FieldProblem[],
  field: string,
  map: unknown,
  isValidValue: (value: unknown) => boolean,
  valueExpectation: string,
): void {
  if (map === undefined) return;
  if (!isPlainObject(map)) {
    problems.push({ field, message: `${field} must be a map of strings, found ${describe(map)}` });
    return;
  }
  for (const key in map) {
    const path = `${field}.${key}`;
    if (!isValidLabelOrAnnotationKey(key)) problems.push(invalid(path, key, KEY_EXPECTATION));
    const value = map[key];
    if (!isValidValue(value)) problems.push(invalid(path, value, valueExpectation));
  }
}

function checkMetadata(problems: FieldProblem[], metadata: Record<string, unknown>): void {
  const { name, namespace, title, description, tags, links } = metadata;
  if (name === undefined || name === null) {
    problems.push({ field: 'metadata.name', message: 'metadata.name is required' });
  } else if (!isValidEntityName(name)) {
    problems.push(invalid('metadata.name', name, NAME_EXPECTATION));
  }
  if (namespace !== undefined && !isValidNamespace(namespace)) {
    problems.push(invalid('metadata.namespace', namespace, DNS_LABEL_EXPECTATION));
  }
  if (title !== undefined && !isNonEmptyString(title) && !asPlaceholder(title)) {
    problems.push(invalid('metadata.title', title, 'a non-empty string'));
  }
  if (description !== undefined && typeof description !== 'string' && !asPlaceholder(description)) {
    problems.push(invalid('metadata.description', description, 'a string'));
  }
  checkKeyValueMap(problems, 'metadata.labels', metadata.labels, isValidLabelValue, `"" or ${NAME_EXPECTATION}`);
  checkKeyValueMap(
    problems,
    'metadata.annotations',
    metadata.annotations,
    (v) => typeof v === 'string' || asPlaceholder(v) !== undefined,
    "a string (quote values such as 'true' or numbers in YAML)",
  );
  if (tags !== undefined) {
    if (!Array.isArray(tags)) {
      problems.push({
        field: 'metadata.tags',
        message: `metadata.tags must be a list of strings, found ${describe(tags)}`,
      });
    } else {
      for (let i = 0; i < tags.length; i++) {
        if (!isValidTag(tags[i])) problems.push(invalid(`metadata.tags.${i}`, tags[i], TAG_EXPECTATION));
      }
    }
  }
  if (links !== undefined) {
    if (!Array.isArray(links)) {
      problems.push({ field: 'metadata.links', message: `metadata.links must be a list, found ${describe(links)}` });
    } else {
      for (let i = 0; i < links.length; i++) checkLink(problems, `metadata.links.${i}`, links[i]);
    }
  }
  for (const field of ['uid', 'etag'] as const) {
    const value = metadata[field];
    if (value !== undefined && typeof value !== 'string') {
      problems.push(invalid(`metadata.${field}`, value, 'a string'));
    }
  }
  if (metadata.generation !== undefined && !Number.isInteger(metadata.generation)) {
    problems.push(invalid('metadata.generation', metadata.generation, 'an integer'));
  }
}

function checkLink(problems: FieldProblem[], field: string, link: unknown): void {
  if (!isPlainObject(link)) {
    problems.push({ field, message: `${field} must be an object with a url, found ${describe(link)}` });
    return;
  }
  if (link.url === undefined || link.url === null) {
    problems.push({ field: `${field}.url`, message: `${field}.url is required` });
  } else if (!isValidUrl(link.url)) {
    problems.push(invalid(`${field}.url`, link.url, 'a valid absolute URL'));
  }
  if (link.title !== undefined && !isNonEmptyString(link.title)) {
    problems.push(invalid(`${field}.title`, link.title, 'a non-empty string'));
  }
  if (link.icon !== undefined && !isNonEmptyString(link.icon)) {
    problems.push(invalid(`${field}.icon`, link.icon, 'a non-empty string'));
  }
  if (link.type !== undefined && !isNonEmptyString(link.type)) {
    problems.push(invalid(`${field}.type`, link.type, 'a non-empty string'));
  }
}

function checkRef(
  problems: FieldProblem[],
  field: string,
  value: string,
  rule: SpecFieldRule,
  defaultNamespace: string,
): void {
  try {
    parseEntityRef(value, { defaultKind: rule.ref?.defaultKind, defaultNamespace });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    problems.push({ field, message: `${field} is not a valid entity reference: ${reason}` });
  }
}

function checkSpecField(
  problems: FieldProblem[],
  name: string,
  value: unknown,
  rule: SpecFieldRule,
  defaultNamespace: string,
): void {
  const field = `spec.${name}`;
  // `{ $text: ./openapi.yaml }` and friends are checked once ingestion has resolved them.
  if (asPlaceholder(value)) return;
  if (value === undefined) {
    if (rule.required) {
      const extra = rule.shape === 'string[]' ? ' (an empty list is allowed)' : '';
      problems.push({ field, message: `${field} is required${extra}` });
    }
    return;
  }
  switch (rule.shape) {
    case 'string':
      if (!isNonEmptyString(value)) {
        problems.push(invalid(field, value, 'a non-empty string'));
        return;
      }
      if (rule.enum && !rule.enum.includes(value)) {
        problems.push(invalid(field, value, `one of ${rule.enum.join(', ')}`));
        return;
      }
      if (rule.ref) checkRef(problems, field, value, rule, defaultNamespace);
      return;
    case 'string[]':
      if (!Array.isArray(value)) {
        problems.push(invalid(field, value, 'a list of strings'));
        return;
      }
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (!isNonEmptyString(item)) {
          problems.push(invalid(`${field}.${i}`, item, 'a non-empty string'));
        } else if (rule.ref) {
          checkRef(problems, `${field}.${i}`, item, rule, defaultNamespace);
        }
      }
      return;
    case 'object':
      if (!isPlainObject(value)) problems.push(invalid(field, value, 'an object'));
      return;
    case 'object[]':
      if (!Array.isArray(value)) {
        problems.push(invalid(field, value, 'a list of objects'));
        return;
      }
      if (rule.minItems !== undefined && value.length < rule.minItems) {
        problems.push({ field, message: `${field} must hold at least ${rule.minItems} item(s)` });
      }
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (!isPlainObject(item)) {
          problems.push(invalid(`${field}.${i}`, item, 'an object'));
          continue;
        }
        for (const key of rule.itemRequired ?? []) {
          if (!isNonEmptyString(item[key]))
            problems.push(invalid(`${field}.${i}.${key}`, item[key], 'a non-empty string'));
        }
      }
      return;
    case 'array':
      if (!Array.isArray(value)) problems.push(invalid(field, value, 'a list'));
      return;
    case 'defined':
      return;
  }
}

function checkProfile(problems: FieldProblem[], profile: unknown): void {
  if (!isPlainObject(profile)) return;
  for (const key of PROFILE_FIELDS) {
    const value = profile[key];
    if (value !== undefined && !isNonEmptyString(value)) {
      problems.push(invalid(`spec.profile.${key}`, value, 'a non-empty string'));
    }
  }
}

function checkKind(problems: FieldProblem[], entity: Record<string, unknown>, rule: KindRule): void {
  if (typeof entity.apiVersion === 'string' && !rule.apiVersions.includes(entity.apiVersion)) {
    problems.push({
      field: 'apiVersion',
      message: `apiVersion "${entity.apiVersion}" is not supported for kind ${rule.kind}; use ${rule.apiVersions.join(' or ')}`,
    });
  }
  const spec = entity.spec;
  if (spec === undefined) {
    if (rule.specRequired) problems.push({ field: 'spec', message: `spec is required for kind ${rule.kind}` });
    return;
  }
  if (!isPlainObject(spec)) return; // reported by the envelope check
  const metadata = entity.metadata;
  const namespace = isPlainObject(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : '';
  const defaultNamespace = namespace || DEFAULT_NAMESPACE;
  for (const name in rule.fields) {
    checkSpecField(problems, name, spec[name], rule.fields[name]!, defaultNamespace);
  }
  if (rule.fields.profile) checkProfile(problems, spec.profile);
}

/**
 * Checks an entity against Backstage's default rules and returns every problem
 * found (empty when valid). Never throws.
 *
 * Custom kinds (not Component, API, Resource, System, Domain, Group, User,
 * Location, Template) get envelope and metadata checks only: Backstage accepts
 * them through processors, and so does Backbeat.
 *
 * Pass `{ descriptor: true }` for entities read from files: `relations` and
 * `status` at the root are then errors, as in Backstage.
 *
 * @example
 * validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' } })
 * // [{ field: 'spec', message: 'spec is required for kind Component' }]
 */
export function validateEntity(entity: unknown, options?: ValidateEntityOptions): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isPlainObject(entity)) {
    problems.push({ field: '', message: `A descriptor must be an object (a YAML map), found ${describe(entity)}` });
    return problems;
  }
  const allowed = options?.descriptor ? DESCRIPTOR_ROOT_KEY_SET : ROOT_KEY_SET;
  for (const key in entity) {
    if (allowed.has(key)) continue;
    if (ROOT_KEY_SET.has(key)) {
      problems.push({
        field: key,
        message: `${key} is computed by the catalog and must not be written in a descriptor file`,
      });
    } else {
      const keys = options?.descriptor ? DESCRIPTOR_ROOT_KEYS : ROOT_KEYS;
      problems.push({
        field: key,
        message: `Unknown root field "${key}"; allowed are ${keys.join(', ')} (did you mean to put it under metadata or spec?)`,
      });
    }
  }

  const { apiVersion, kind, metadata, spec } = entity;
  if (apiVersion === undefined || apiVersion === null) {
    problems.push({ field: 'apiVersion', message: 'apiVersion is required (e.g. backstage.io/v1alpha1)' });
  } else if (!isValidApiVersion(apiVersion)) {
    problems.push(
      invalid('apiVersion', apiVersion, 'an optional DNS-subdomain prefix and "/" followed by 1-63 alphanumerics'),
    );
  }

  let rule: KindRule | undefined;
  if (kind === undefined || kind === null) {
    problems.push({ field: 'kind', message: 'kind is required (e.g. Component)' });
  } else if (!isValidKind(kind)) {
    problems.push(invalid('kind', kind, 'a letter followed by letters and digits, 1-63 characters'));
  } else {
    const meant = misspelledBuiltinKind(kind);
    if (meant) {
      problems.push({ field: 'kind', message: `kind "${kind}" must be written "${meant}" (kinds are case-sensitive)` });
    }
    rule = kindRule(kind, isPlainObject(entity.spec) ? entity.spec.type : undefined);
  }

  if (metadata === undefined || metadata === null) {
    problems.push({ field: 'metadata', message: 'metadata is required (at least metadata.name)' });
  } else if (!isPlainObject(metadata)) {
    problems.push(invalid('metadata', metadata, 'an object'));
  } else {
    checkMetadata(problems, metadata);
  }

  if (spec !== undefined && !isPlainObject(spec)) problems.push(invalid('spec', spec, 'an object'));
  if (entity.relations !== undefined && !Array.isArray(entity.relations)) {
    problems.push(invalid('relations', entity.relations, 'a list'));
  }
  if (entity.status !== undefined && !isPlainObject(entity.status)) {
    problems.push(invalid('status', entity.status, 'an object'));
  }

  if (rule) checkKind(problems, entity, rule);
  return problems;
}
