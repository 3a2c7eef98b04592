/**
 * The catalog's descriptor model: Backstage-compatible entities parsed from
 * catalog-info.yaml, validated with Backstage's rules, their references, the
 * relations they imply, and their search rows. Pure functions, no I/O except
 * `validateDescriptorFiles`.
 */
export type {
  CompoundEntityRef,
  Entity,
  EntityLink,
  EntityMetadata,
  EntityRelation,
  EntityStatusItem,
} from './entity.js';
export {
  CORE_API_VERSIONS,
  KIND_RULES,
  KIND_VARIANTS,
  type KindRule,
  kindRule,
  misspelledBuiltinKind,
  ORG_GROUP_TYPES,
  type OrgGroupType,
  type SpecFieldRule,
  type SpecFieldShape,
  TEMPLATE_API_VERSIONS,
} from './kinds.js';
export { locateField } from './locate-field.js';
export { type DescriptorError, type ParsedDocument, parseDescriptors } from './parse-descriptors.js';
export {
  asPlaceholder,
  findPlaceholders,
  type Placeholder,
  type PlaceholderError,
  type PlaceholderKind,
  resolvePlaceholders,
} from './placeholders.js';
export {
  canonicalRef,
  DEFAULT_NAMESPACE,
  type EntityRefContext,
  entityRefOf,
  type PartialEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from './refs.js';
export { type ComputedRelation, computeRelations, inverseRelation, RELATION_PAIRS } from './relations.js';
export {
  fullTextOf,
  MAX_SEARCH_KEY_LENGTH,
  MAX_SEARCH_VALUE_LENGTH,
  type SearchRow,
  toSearchRows,
} from './search-rows.js';
export {
  DESCRIPTOR_ROOT_KEYS,
  type FieldProblem,
  isValidApiVersion,
  isValidDnsSubdomain,
  isValidEntityName,
  isValidKind,
  isValidLabelOrAnnotationKey,
  isValidLabelValue,
  isValidNamespace,
  isValidTag,
  isValidUrl,
  ROOT_KEYS,
  type ValidateEntityOptions,
  validateEntity,
} from './validate-entity.js';
export { type DescriptorFileReport, validateDescriptorFiles } from './validate-files.js';
