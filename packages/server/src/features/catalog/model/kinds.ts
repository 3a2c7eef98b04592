/**
 * Per-kind descriptor rules for Backstage's built-in kinds: which `apiVersion`s a
 * kind accepts, which `spec` fields it requires, their shapes, and which fields are
 * entity references that generate relations. One table drives both validation and
 * relation computation, so the two can never disagree about a field.
 *
 * Kinds not listed here are accepted with envelope validation only: Backstage lets
 * custom kinds in through processors, and Backbeat keeps that door open.
 */

/** Shape of a spec field value. `string` means a non-empty string, as Backstage's schemas say. */
export type SpecFieldShape = 'string' | 'string[]' | 'object' | 'object[]' | 'array' | 'defined';

export interface SpecFieldRule {
  shape: SpecFieldShape;
  required?: boolean;
  /** Allowed values (exact match), e.g. Location `presence`. */
  enum?: readonly string[];
  /** For `object[]`: the least number of items, and the keys each item needs as non-empty strings. */
  minItems?: number;
  itemRequired?: readonly string[];
  /**
   * Set when the field holds entity references. `defaultKind` undefined means the
   * reference must name its kind (Backstage's `dependsOn`).
   */
  ref?: { defaultKind?: string };
  /** Outgoing relation type emitted for each reference in the field. */
  relation?: string;
}

export interface KindRule {
  kind: string;
  apiVersions: readonly string[];
  /** Whether `spec` must be present (every built-in kind requires it). */
  specRequired: boolean;
  fields: Readonly<Record<string, SpecFieldRule>>;
}

/** Backstage core apiVersions, shared by all `backstage.io` kinds. */
export const CORE_API_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'] as const;

/** Scaffolder template apiVersions: v1beta3 current; v1beta2 (`backstage.io/v1beta2`) still found in older catalogs. */
export const TEMPLATE_API_VERSIONS = ['scaffolder.backstage.io/v1beta3', 'backstage.io/v1beta2'] as const;

/**
 * Group `spec.type` is free text in Backstage. These are the types Backbeat's org
 * pages understand (the Spotify model plus a department above tribes); any other
 * value is still valid and shown as a plain group.
 */
export const ORG_GROUP_TYPES = ['department', 'tribe', 'squad', 'chapter', 'guild', 'team'] as const;
export type OrgGroupType = (typeof ORG_GROUP_TYPES)[number];

const owner: SpecFieldRule = { shape: 'string', required: true, ref: { defaultKind: 'Group' }, relation: 'ownedBy' };
const system: SpecFieldRule = { shape: 'string', ref: { defaultKind: 'System' }, relation: 'partOf' };
const dependsOn: SpecFieldRule = { shape: 'string[]', ref: {}, relation: 'dependsOn' };
const dependencyOf: SpecFieldRule = { shape: 'string[]', ref: {}, relation: 'dependencyOf' };
const requiredString: SpecFieldRule = { shape: 'string', required: true };
const optionalString: SpecFieldRule = { shape: 'string' };

/** Rules for the built-in kinds, keyed by kind exactly as Backstage spells it. */
export const KIND_RULES: Readonly<Record<string, KindRule>> = {
  Component: {
    kind: 'Component',
    apiVersions: CORE_API_VERSIONS,
    specRequired: true,
    fields: {
      type: requiredString,
      lifecycle: requiredString,
      owner,
      system,
      subcomponentOf: { shape: 'string', ref: { defaultKind: 'Component' }, relation: 'partOf' },
      providesApis: { shape: 'string[]', ref: { defaultKind: 'API' }, relation: 'providesApi' },
      consumesApis: { shape: 'string[]', ref: { defaultKind: 'API' }, relation: 'consumesApi' },
      dependsOn,
      dependencyOf,
    },
  },
  API: {
    kind: 'API',
    apiVersions: CORE_API_VERSIONS,
    specRequired: true,
    fields: {
      type: requiredString,
      lifecycle: requiredString,
      owner,
      definition: requiredString,
      system,
    },
  },
  Resource: {
    kind: 'Resource',
    apiVersions: CORE_API_VERSIONS,
    specRequired: true,
    fields: { type: requiredString, owner, system, dependsOn, dependencyOf },
  },
  System: {
    kind: 'System',
    apiVersions: CORE_API_VERSIONS,
    specRequired: true,
    fields: {
      owner,
      domain: { shape: 'string', ref: { defaultKind: 'Domain' }, relation: 'partOf' },
      type: optionalString,
    },
  },
  Domain: {
    kind: 'Domain',
    apiVersions: CORE_API_VERSIONS,
    specRequired: true,
    fields: {
      owner,
      subdomainOf: { shape: 'string', ref: { defaultKind: 'Domain' }, relation: 'partOf' },
      type: optionalString,
    },
  },
  Group: {
    kind: 'Group',
    apiVersions: CORE_API_VERSIONS,
    specRequired: true,
    fields: {
      type: requiredString,
      profile: { shape: 'object' },
      parent: { shape: 'string', ref: { defaultKind: 'Group' }, relation: 'childOf' },
      children: { shape: 'string[]', required: true, ref: { defaultKind: 'Group' }, relation: 'parentOf' },
      members: { shape: 'string[]', ref: { defaultKind: 'User' }, relation: 'hasMember' },
    },
  },
  User: {
    kind: 'User',
    apiVersions: CORE_API_VERSIONS,
    specRequired: true,
    fields: {
      profile: { shape: 'object' },
      memberOf: { shape: 'string[]', required: true, ref: { defaultKind: 'Group' }, relation: 'memberOf' },
    },
  },
  Location: {
    kind: 'Location',
    apiVersions: CORE_API_VERSIONS,
    specRequired: true,
    fields: {
      type: optionalString,
      target: optionalString,
      targets: { shape: 'string[]' },
      presence: { shape: 'string', enum: ['required', 'optional'] },
    },
  },
  // Stored and served; running templates is another feature's business.
  Template: {
    kind: 'Template',
    apiVersions: TEMPLATE_API_VERSIONS,
    specRequired: true,
    fields: {
      type: requiredString,
      steps: { shape: 'array', required: true },
      owner: { shape: 'string', ref: { defaultKind: 'Group' }, relation: 'ownedBy' },
      lifecycle: optionalString,
    },
  },
};

/**
 * Spec-type variants that replace a kind's rule: an API of type `mcp-server`
 * describes its endpoints in `remotes` instead of a `definition` (Backstage's
 * `API.v1alpha1.mcp-server` schema).
 */
export const KIND_VARIANTS: Readonly<Record<string, Readonly<Record<string, KindRule>>>> = {
  API: {
    'mcp-server': {
      kind: 'API',
      apiVersions: CORE_API_VERSIONS,
      specRequired: true,
      fields: {
        type: requiredString,
        lifecycle: requiredString,
        owner,
        system,
        definition: optionalString,
        remotes: { shape: 'object[]', required: true, minItems: 1, itemRequired: ['type', 'url'] },
      },
    },
  },
};

/** Profile fields of Group and User: all optional, non-empty strings when present. */
export const PROFILE_FIELDS = ['displayName', 'email', 'picture'] as const;

// Maps, not object lookups: a kind named `constructor` must not find Object's prototype.
const kindIndex = new Map<string, KindRule>(Object.entries(KIND_RULES));
const lowerKindIndex = new Map<string, string>(Object.keys(KIND_RULES).map((k) => [k.toLowerCase(), k]));

/**
 * The rule for a kind (and spec type, for kinds with variants), or undefined for custom kinds.
 *
 * @example
 * kindRule('Component')?.fields.owner?.required // true
 */
export function kindRule(kind: string, specType?: unknown): KindRule | undefined {
  if (typeof specType === 'string' && Object.hasOwn(KIND_VARIANTS, kind)) {
    const variants = KIND_VARIANTS[kind]!;
    if (Object.hasOwn(variants, specType)) return variants[specType];
  }
  return kindIndex.get(kind);
}

/**
 * The built-in kind a differently-cased kind was probably meant to be
 * (`component` -> `Component`), or undefined.
 *
 * @example
 * misspelledBuiltinKind('api') // 'API'
 */
export function misspelledBuiltinKind(kind: string): string | undefined {
  const match = lowerKindIndex.get(kind.toLowerCase());
  return match !== undefined && match !== kind ? match : undefined;
}
