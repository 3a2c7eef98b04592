import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import {
  type Applicability,
  type CampaignSpec,
  type CheckSpec,
  HEALTH_API_VERSION,
  HEALTH_KINDS,
  type HealthDefinition,
  type Rule,
  type TrackSpec,
} from '../model/definitions.js';
import { parseFactPath } from './fact-path.js';
import { compileSemverRange } from './semver-range.js';

/**
 * One thing wrong with a definition. `field` is the path in the document
 * (`spec.rule.all[1].semver`), or '' for the document as a whole; `line` and
 * `column` are 1-based; `document` is the 0-based index of the YAML document.
 */
export interface DefinitionProblem {
  file?: string;
  document: number;
  line?: number;
  column?: number;
  field: string;
  message: string;
}

export interface ParsedDefinitions {
  /** The valid documents, in file order. */
  definitions: HealthDefinition[];
  /** Problems of the invalid ones; a bad document never hides the good ones. */
  problems: DefinitionProblem[];
  /**
   * Where a field of the i-th valid definition is, for problems found later (a
   * track naming a check that does not exist): `locate(i, ['spec', 'levels', 0, 'checks', 1])`.
   */
  locate(
    definition: number,
    path: readonly (string | number)[],
  ): Pick<DefinitionProblem, 'document' | 'line' | 'column'>;
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const name = z.string().max(63, 'must be at most 63 characters').regex(NAME, 'must be lowercase words joined by "-"');
const stringOrList = z
  .union([z.string().min(1), z.array(z.string().min(1))])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const applies = z
  .strictObject({
    kind: stringOrList.optional(),
    type: stringOrList.optional(),
    lifecycle: stringOrList.optional(),
    tag: stringOrList.optional(),
  })
  .default({});

const metadata = z.strictObject({
  name,
  title: z.string().min(1).optional(),
  description: z.string().optional(),
});

const envelope = (kind: string, spec: z.ZodType) =>
  z.strictObject({
    apiVersion: z.literal(HEALTH_API_VERSION, { message: `must be ${HEALTH_API_VERSION}` }),
    kind: z.literal(kind),
    metadata,
    spec,
  });

const checkDocument = envelope(
  'Check',
  z.strictObject({
    applies,
    rule: z.unknown().optional(),
    manual: z
      .union([z.literal(true), z.strictObject({ expiresAfterDays: z.number().int().min(1).max(3650).default(180) })])
      .optional(),
    message: z.strictObject({ passed: z.string().optional(), failed: z.string().optional() }).default({}),
    fix: z.string().optional(),
  }),
);

const trackDocument = envelope(
  'Track',
  z.strictObject({
    applies,
    levels: z
      .array(
        z.strictObject({
          name,
          title: z.string().min(1).optional(),
          checks: z.array(name).min(1, 'a level needs at least one check'),
        }),
      )
      .min(1, 'a track needs at least one level'),
  }),
);

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD');
const campaignDocument = envelope(
  'Campaign',
  z.strictObject({
    checks: z.array(name).min(1, 'a campaign needs at least one check'),
    deadline: isoDate,
    start: isoDate.optional(),
  }),
);

const OPERATORS = ['exists', 'equals', 'in', 'matches', 'gt', 'gte', 'lt', 'lte', 'semver', 'count'] as const;
const NUMBER_OPS = ['equals', 'gt', 'gte', 'lt', 'lte'] as const;

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

/**
 * Checks a rule and reports every problem with its path; returns the rule typed
 * when it is valid.
 */
function validateRule(value: unknown, path: Path, report: Report, depth = 0): Rule | undefined {
  if (depth > 32) {
    report(path, 'rules nest too deeply');
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(path, 'must be a mapping: { fact, <operator> } or all / any / not');
    return undefined;
  }
  const rule = value as Record<string, unknown>;
  const keys = Object.keys(rule);
  const combinator = keys.filter((k) => k === 'all' || k === 'any' || k === 'not');
  if (combinator.length > 0) {
    if (keys.length > 1) {
      report(path, `"${combinator[0]}" must be the only key of its rule (found ${keys.join(', ')})`);
      return undefined;
    }
    const key = combinator[0] as 'all' | 'any' | 'not';
    if (key === 'not') {
      const inner = validateRule(rule.not, [...path, 'not'], report, depth + 1);
      return inner ? { not: inner } : undefined;
    }
    const list = rule[key];
    if (!Array.isArray(list) || list.length === 0) {
      report([...path, key], 'must be a non-empty list of rules');
      return undefined;
    }
    const parts = list.map((item, i) => validateRule(item, [...path, key, i], report, depth + 1));
    if (parts.some((p) => p === undefined)) return undefined;
    return key === 'all' ? { all: parts as Rule[] } : { any: parts as Rule[] };
  }
  if (typeof rule.fact !== 'string') {
    report([...path, 'fact'], rule.fact === undefined ? 'is required' : 'must be a fact path');
    return undefined;
  }
  let ok = true;
  const factPath = parseFactPath(rule.fact);
  if (typeof factPath === 'string') {
    report([...path, 'fact'], `fact path ${factPath}`);
    ok = false;
  }
  for (const key of keys) {
    if (key !== 'fact' && !(OPERATORS as readonly string[]).includes(key)) {
      report([...path, key], `unknown field; operators are ${OPERATORS.join(', ')}`);
      ok = false;
    }
  }
  const ops = keys.filter((k) => (OPERATORS as readonly string[]).includes(k));
  if (ops.length !== 1) {
    report(
      path,
      ops.length === 0
        ? `needs an operator: ${OPERATORS.join(', ')}`
        : `has ${ops.join(' and ')}: use one operator per condition, and all/any to combine`,
    );
    return undefined;
  }
  const op = ops[0] as (typeof OPERATORS)[number];
  const operand = rule[op];
  const at = [...path, op];
  switch (op) {
    case 'exists':
      if (typeof operand !== 'boolean') return void report(at, 'must be true or false');
      break;
    case 'equals':
      if (operand === undefined) return void report(at, 'is required');
      break;
    case 'in':
      if (!Array.isArray(operand) || operand.length === 0) return void report(at, 'must be a non-empty list');
      break;
    case 'matches':
      if (typeof operand !== 'string') return void report(at, 'must be a regular expression');
      try {
        new RegExp(operand);
      } catch (error) {
        return void report(at, `regular expression does not compile: ${(error as Error).message}`);
      }
      break;
    case 'semver':
      if (typeof operand !== 'string') return void report(at, 'must be a version range, e.g. ">=2.17.1 <3"');
      try {
        compileSemverRange(operand);
      } catch (error) {
        return void report(at, (error as Error).message);
      }
      break;
    case 'count': {
      if (typeof operand !== 'object' || operand === null || Array.isArray(operand)) {
        return void report(at, 'must be a mapping: { where?, equals | gt | gte | lt | lte }');
      }
      const count = operand as Record<string, unknown>;
      let countOk = true;
      for (const key of Object.keys(count)) {
        if (key !== 'where' && !(NUMBER_OPS as readonly string[]).includes(key)) {
          report([...at, key], `unknown field; use where, ${NUMBER_OPS.join(', ')}`);
          countOk = false;
        } else if (key !== 'where' && typeof count[key] !== 'number') {
          report([...at, key], 'must be a number');
          countOk = false;
        }
      }
      if (!NUMBER_OPS.some((k) => k in count)) {
        report(at, `needs a comparison: ${NUMBER_OPS.join(', ')}`);
        countOk = false;
      }
      let where: Rule | undefined;
      if (count.where !== undefined) {
        where = validateRule(count.where, [...at, 'where'], report, depth + 1);
        if (!where) countOk = false;
      }
      if (!countOk || !ok) return undefined;
      const out: Record<string, unknown> = {};
      for (const k of NUMBER_OPS) if (count[k] !== undefined) out[k] = count[k];
      if (where) out.where = where;
      return { fact: rule.fact, count: out } as Rule;
    }
    default:
      if (typeof operand !== 'number') return void report(at, 'must be a number');
  }
  return ok ? ({ fact: rule.fact, [op]: operand } as Rule) : undefined;
}

/** `spec.rule.all[1]` from `['spec', 'rule', 'all', 1]`. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/** The source offset of the deepest existing node on the path. */
function offsetOf(root: Node | null, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function titleOf(text: string): string {
  return text
    .split('-')
    .map((w) => (w ? `${w[0]!.toUpperCase()}${w.slice(1)}` : w))
    .join(' ');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

/**
 * Parses a YAML file of health definitions: one or many documents of kind `Check`,
 * `Track` or `Campaign` (apiVersion backbeat.dev/v1). Each document is validated on
 * its own: the valid ones are returned, and every problem of the others names the
 * file, line, column and field. References between documents (a track's checks)
 * are resolved when the definitions are applied, not here.
 *
 * @example
 * const { definitions, problems } = parseHealthDefinitions(text, { file: 'checks.yaml' });
 */
export function parseHealthDefinitions(text: string, options: { file?: string } = {}): ParsedDefinitions {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const file = options.file === undefined ? {} : { file: options.file };
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const definitions: HealthDefinition[] = [];
  const problems: DefinitionProblem[] = [];
  const origins: { document: number; contents: Node | null }[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    const base = { ...file, document: index };
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        problems.push({ ...base, ...at(e.pos[0]), field: '', message: e.message.split('\n')[0]! });
      return;
    }
    if (doc.contents === null) return; // an empty document between separators
    let input: unknown;
    try {
      input = doc.toJS({ maxAliasCount: 50 });
    } catch (error) {
      problems.push({ ...base, field: '', message: (error as Error).message });
      return;
    }
    const report: Report = (path, message) =>
      problems.push({ ...base, ...at(offsetOf(doc.contents, path)), field: fieldName(path), message });
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      report([], 'a definition must be a YAML mapping');
      return;
    }
    const kind = (input as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !(HEALTH_KINDS as readonly string[]).includes(kind)) {
      report(['kind'], `must be one of ${HEALTH_KINDS.join(', ')}`);
      return;
    }
    const schema = kind === 'Check' ? checkDocument : kind === 'Track' ? trackDocument : campaignDocument;
    const parsed = schema.safeParse(input);
    const before = problems.length;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const paths =
          issue.code === 'unrecognized_keys'
            ? issue.keys.map((k) => [...issue.path, k])
            : [issue.path as PropertyKey[]];
        for (const path of paths) {
          report(path as Path, issue.code === 'unrecognized_keys' ? 'unknown field' : describeIssue(issue));
        }
      }
    }
    const raw = input as { metadata?: { name?: unknown }; spec?: Record<string, unknown> };
    let rule: Rule | undefined;
    if (kind === 'Check' && raw.spec && typeof raw.spec === 'object') {
      const hasRule = raw.spec.rule !== undefined;
      const manual = raw.spec.manual !== undefined;
      if (hasRule === manual) {
        report(
          ['spec'],
          hasRule ? 'a check has either a rule or manual, not both' : 'a check needs a rule (or manual: true)',
        );
      } else if (hasRule) {
        rule = validateRule(raw.spec.rule, ['spec', 'rule'], report);
      }
    }
    if (kind === 'Track' && parsed.success) {
      const levels = (parsed.data.spec as { levels: { name: string }[] }).levels;
      const seen = new Set<string>();
      levels.forEach((level, i) => {
        if (seen.has(level.name)) report(['spec', 'levels', i, 'name'], `level "${level.name}" appears twice`);
        seen.add(level.name);
      });
    }
    if (!parsed.success || problems.length > before) return;
    const { metadata: meta, spec } = parsed.data as {
      metadata: z.infer<typeof metadata>;
      spec: Record<string, unknown>;
    };
    const common = {
      name: meta.name,
      title: meta.title ?? titleOf(meta.name),
      ...(meta.description ? { description: meta.description } : {}),
    };
    if (kind === 'Check') {
      const manual = spec.manual === true ? { expiresAfterDays: 180 } : (spec.manual as CheckSpec['manual']);
      const check: CheckSpec = {
        ...common,
        applies: spec.applies as Applicability,
        ...(rule ? { rule } : {}),
        ...(manual ? { manual } : {}),
        message: spec.message as CheckSpec['message'],
        ...(spec.fix ? { fix: spec.fix as string } : {}),
      };
      definitions.push({ kind: 'Check', spec: check });
      origins.push({ document: index, contents: doc.contents });
    } else if (kind === 'Track') {
      const levels = (spec.levels as { name: string; title?: string; checks: string[] }[]).map((l) => ({
        name: l.name,
        title: l.title ?? titleOf(l.name),
        checks: l.checks,
      }));
      const track: TrackSpec = { ...common, applies: spec.applies as Applicability, levels };
      definitions.push({ kind: 'Track', spec: track });
      origins.push({ document: index, contents: doc.contents });
    } else {
      const campaign: CampaignSpec = {
        ...common,
        checks: spec.checks as string[],
        deadline: spec.deadline as string,
        ...(spec.start ? { start: spec.start as string } : {}),
      };
      definitions.push({ kind: 'Campaign', spec: campaign });
      origins.push({ document: index, contents: doc.contents });
    }
  });
  return {
    definitions,
    problems,
    locate(definition, path) {
      const origin = origins[definition];
      if (!origin) return { document: definition };
      return { document: origin.document, ...at(offsetOf(origin.contents, path)) };
    },
  };
}
