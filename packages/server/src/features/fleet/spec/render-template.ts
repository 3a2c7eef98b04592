import { Liquid } from 'liquidjs';
import type { ChangeTemplate } from '../model/shift-spec.js';
import { branchNameProblem } from './branch-name.js';

/** Variables a change template sees. */
export interface TemplateVars {
  shift: { name: string; description?: string; owner: string };
  /** The target's catalog entity, as stored. */
  entity: unknown;
  /** Entity ref of the target's owning group. */
  owner: string;
  /** Repository URL or slug of the target. */
  repository: string;
}

/** A change template with every field rendered for one target. */
export interface RenderedChange {
  title: string;
  body: string;
  branch: string;
  commitMessage: string;
  labels: string[];
}

/** A template field failed to parse or render; `field` names it (`change.title`, `change.labels[1]`). */
export class TemplateError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'TemplateError';
  }
}

/** A parse problem of one template field, path relative to the spec (`change.branch`). */
export interface TemplateProblem {
  field: string;
  message: string;
}

/**
 * One engine for every shift. Specs are untrusted: strict variables and filters turn
 * typos into errors instead of empty strings, the partial tags are removed (there is
 * no file system to include from, and an empty in-memory `templates` map backs that
 * up), own properties only (no prototype walking), and limits bound the work a
 * template can make the server do.
 */
function createEngine(): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    // Optional data (a description, a system) is tested with `if` or `default`; only
    // a bare `{{ missing }}` is an error.
    lenientIf: true,
    ownPropertyOnly: true,
    templates: {},
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
  });
  for (const tag of ['include', 'render', 'layout', 'block']) delete engine.tags[tag];
  return engine;
}

const engine = createEngine();

function fieldsOf(template: ChangeTemplate): [string, string][] {
  return [
    ['change.title', template.title],
    ['change.body', template.body],
    ['change.branch', template.branch],
    ['change.commitMessage', template.commitMessage],
    ...template.labels.map((label, i): [string, string] => [`change.labels[${i}]`, label]),
  ];
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // liquidjs appends a multi-line source excerpt; the first line says what is wrong.
  return message.split('\n')[0]!.trim();
}

function isLiteral(text: string): boolean {
  return !text.includes('{{') && !text.includes('{%');
}

/**
 * Parse problems of every field of a change template, so a broken template is
 * rejected when the spec is applied rather than on the first target. A literal
 * branch (no Liquid markup) is also checked as a git branch name.
 *
 * @example
 * validateChangeTemplate({ ...template, title: 'Bump {{ shift.name' })
 * // [{ field: 'change.title', message: 'output "{{ shift.name" not closed, line:1, col:6' }]
 */
export function validateChangeTemplate(template: ChangeTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const [field, text] of fieldsOf(template)) {
    try {
      engine.parse(text);
    } catch (error) {
      problems.push({ field, message: messageOf(error) });
    }
  }
  if (isLiteral(template.branch)) {
    const why = branchNameProblem(template.branch.trim());
    if (why) problems.push({ field: 'change.branch', message: `not a valid branch name: ${why}` });
  }
  return problems;
}

function render(field: string, text: string, vars: TemplateVars): string {
  try {
    return engine.parseAndRenderSync(text, vars as unknown as Record<string, unknown>);
  } catch (error) {
    throw new TemplateError(field, messageOf(error));
  }
}

/**
 * Renders a change template for one target. Title, branch and labels are trimmed
 * (a stray newline in a title or branch is never wanted); empty labels are dropped.
 *
 * @throws TemplateError naming the field that failed, or a branch that is not a valid git branch name.
 * @example
 * renderChangeTemplate(spec.spec.change, {
 *   shift: { name: 'bump-log-lib', owner: 'group:default/platform-squad' },
 *   entity, owner: 'group:default/playback-squad', repository: 'file:///repos/playback-api',
 * }).title // 'Bump log-lib in playback-api'
 */
export function renderChangeTemplate(template: ChangeTemplate, vars: TemplateVars): RenderedChange {
  const branch = render('change.branch', template.branch, vars).trim();
  const why = branchNameProblem(branch);
  if (why) throw new TemplateError('change.branch', `"${branch}" is not a valid branch name: ${why}`);
  return {
    title: render('change.title', template.title, vars).trim(),
    body: render('change.body', template.body, vars),
    branch,
    commitMessage: render('change.commitMessage', template.commitMessage, vars),
    labels: template.labels
      .map((label, i) => render(`change.labels[${i}]`, label, vars).trim())
      .filter((label) => label.length > 0),
  };
}
