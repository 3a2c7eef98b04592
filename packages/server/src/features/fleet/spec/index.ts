export { branchNameProblem } from './branch-name.js';
export { normaliseEntityRef } from './entity-ref.js';
export { type ParseShiftSpecResult, parseShiftSpec, type SpecProblem } from './parse-shift-spec.js';
export { unsafePathReason } from './relative-path.js';
export {
  type RenderedChange,
  renderChangeTemplate,
  TemplateError,
  type TemplateProblem,
  type TemplateVars,
  validateChangeTemplate,
} from './render-template.js';
export { parseValuePath, type ValuePath } from './value-path.js';
