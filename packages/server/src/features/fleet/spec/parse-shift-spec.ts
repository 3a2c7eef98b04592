import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import { isExactVersion } from '../../../platform/manifests/version.js';
import { SHIFT_API_VERSION, SHIFT_KIND, type ShiftSpec } from '../model/shift-spec.js';
import { normaliseEntityRef } from './entity-ref.js';
import { unsafePathReason } from './relative-path.js';
import { validateChangeTemplate } from './render-template.js';
import { parseValuePath } from './value-path.js';

/**
 * One thing wrong with a spec. `field` is the path in the document
 * (`spec.steps[1].pattern`), or '' for a problem with the document as a whole
 * (YAML syntax); `line` and `column` are 1-based.
 */
export interface SpecProblem {
  file?: string;
  line?: number;
  column?: number;
  field: string;
  message: string;
}

export type ParseShiftSpecResult = { ok: true; spec: ShiftSpec } | { ok: false; problems: SpecProblem[] };

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DEFAULT_AUTHOR = { name: 'Backbeat', email: 'fleet@backbeat.invalid' };

function entityRef(defaultKind: string, requiredKind?: string) {
  return z.string().transform((value, ctx) => {
    const ref = normaliseEntityRef(value, defaultKind);
    if (!ref) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not an entity ref ([kind:][namespace/]name)` });
      return z.NEVER;
    }
    if (requiredKind && !ref.startsWith(`${requiredKind}:`)) {
      ctx.addIssue({ code: 'custom', message: `"${value}" must refer to a ${requiredKind}` });
      return z.NEVER;
    }
    return ref;
  });
}

const repoPath = z.string().superRefine((value, ctx) => {
  const why = unsafePathReason(value);
  if (why) ctx.addIssue({ code: 'custom', message: `path ${why}` });
});

/** set-value and delete-value edit structured files only. */
const dataFile = repoPath.refine((file) => /\.(ya?ml|json)$/i.test(file), {
  message: 'must be a .yaml, .yml or .json file',
});

const valuePath = z.string().superRefine((value, ctx) => {
  const parsed = parseValuePath(value);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

const version = z.string().refine(isExactVersion, { message: 'must be one exact version, e.g. 2.17.1' });

function compiles(pattern: string, flags: string): string | undefined {
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const steps = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('bump-dependency'),
    dependency: z.string().min(1),
    to: version,
  }),
  z.strictObject({
    type: z.literal('set-value'),
    file: dataFile,
    path: valuePath,
    // `value: null` is a value; only a missing key is an error.
    value: z.unknown().refine((v) => v !== undefined, { message: 'is required' }),
  }),
  z.strictObject({ type: z.literal('delete-value'), file: dataFile, path: valuePath }),
  z
    .strictObject({
      type: z.literal('replace'),
      files: repoPath,
      pattern: z.string().min(1),
      replacement: z.string(),
      flags: z
        .string()
        .regex(/^[gimsuy]*$/, 'allowed flags are g, i, m, s, u, y')
        .optional(),
    })
    .superRefine((step, ctx) => {
      const why = compiles(step.pattern, `${(step.flags ?? '').replace('g', '')}g`);
      if (why)
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: `regular expression does not compile: ${why}` });
    }),
  z.strictObject({
    type: z.literal('command'),
    run: z.string().min(1),
    timeoutSeconds: z.number().int().min(1).max(86_400).default(300),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string())
      .default({}),
  }),
]);

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00 to 23:59)');

const timeWindow = z.strictObject({
  days: z
    .array(z.enum(DAYS))
    .min(1)
    .default([...DAYS]),
  start: clock,
  end: clock,
  timezone: z
    .string()
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'unknown time zone' },
    )
    .default('UTC'),
});

const stringList = z.array(z.string().min(1));

const document = z.strictObject({
  apiVersion: z.literal(SHIFT_API_VERSION, { message: `must be ${SHIFT_API_VERSION}` }),
  kind: z.literal(SHIFT_KIND, { message: `must be ${SHIFT_KIND}` }),
  metadata: z.strictObject({
    name: z.string().max(63, 'must be at most 63 characters').regex(NAME, 'must be lowercase words joined by "-"'),
    description: z.string().optional(),
    owner: entityRef('group', 'group'),
  }),
  spec: z.strictObject({
    targets: z
      .strictObject({
        filter: z
          .strictObject({
            kind: stringList
              .min(1)
              .transform((kinds) => kinds.map((k) => k.toLowerCase()))
              .default(['component']),
            type: stringList.optional(),
            owner: z.array(entityRef('group')).optional(),
            tag: stringList.optional(),
            lifecycle: stringList.optional(),
            system: z.array(entityRef('system')).optional(),
          })
          .prefault({}),
        dependency: z
          .strictObject({ name: z.string().min(1), below: version.optional(), atLeast: version.optional() })
          .optional(),
        include: z.array(entityRef('component')).default([]),
        exclude: z.array(entityRef('component')).default([]),
      })
      .prefault({}),
    steps: z.array(steps).min(1, 'a shift needs at least one step'),
    change: z.strictObject({
      title: z.string().min(1),
      body: z.string().default(''),
      branch: z.string().min(1).optional(),
      commitMessage: z.string().min(1).optional(),
      author: z.strictObject({ name: z.string().min(1), email: z.string().min(3) }).default(DEFAULT_AUTHOR),
      labels: stringList.default([]),
    }),
    rollout: z
      .strictObject({
        canary: z.array(entityRef('component')).default([]),
        canaryPercent: z.number().int().min(1).max(100).optional(),
        publishPerHour: z.number().positive().optional(),
        concurrency: z.number().int().min(1).max(256).default(4),
        publishWindow: timeWindow.optional(),
        mergeWindow: timeWindow.optional(),
      })
      .superRefine((rollout, ctx) => {
        if (rollout.canary.length > 0 && rollout.canaryPercent !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['canaryPercent'], message: 'use either canary or canaryPercent' });
        }
      })
      .prefault({}),
    automerge: z
      .strictObject({
        enabled: z.boolean().default(false),
        requireChecks: z.boolean().default(true),
        requireApproval: z.boolean().default(false),
        method: z.enum(['merge', 'squash', 'rebase']).default('squash'),
        minHealthLevel: z.string().min(1).optional(),
      })
      .prefault({}),
  }),
});

/** `spec.steps[1].pattern` from `['spec', 'steps', 1, 'pattern']`. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/**
 * The source offset for a field: the key of the deepest existing pair on the path
 * (so a bad value points at its line, and a missing field at its parent's line).
 */
function offsetOf(root: Node | null, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      const key = pair.key as Node;
      offset = key.range?.[0] ?? offset;
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

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'type') {
    return 'unknown step type; use bump-dependency, set-value, delete-value, replace or command';
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

/**
 * Parses and validates a Shift document (YAML). Every problem found is returned at
 * once, each with the field path and the line it is on; unknown keys are problems
 * too, so a typo never silently drops a setting. Defaults are filled in and
 * references normalised (`platform-squad` -> `group:default/platform-squad`).
 *
 * @example
 * const result = parseShiftSpec(text, { file: 'shifts/bump-log-lib.yaml' });
 * if (!result.ok) for (const p of result.problems) console.error(`${p.file}:${p.line} ${p.field}: ${p.message}`);
 */
export function parseShiftSpec(text: string, options: { file?: string } = {}): ParseShiftSpecResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const file = options.file === undefined ? {} : { file: options.file };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({ ...file, ...at(e.pos[0]), field: '', message: e.message.split('\n')[0]! })),
    };
  }
  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    return { ok: false, problems: [{ ...file, field: '', message: (error as Error).message }] };
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      problems: [{ ...file, line: 1, column: 1, field: '', message: 'a shift must be a YAML mapping' }],
    };
  }
  const problems: SpecProblem[] = [];
  const parsed = document.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const paths =
        issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path as PropertyKey[]];
      for (const path of paths) {
        const message = issue.code === 'unrecognized_keys' ? 'unknown field' : describeIssue(issue);
        problems.push({ ...file, ...at(offsetOf(doc.contents, path)), field: fieldName(path), message });
      }
    }
    return { ok: false, problems };
  }
  const { metadata, spec } = parsed.data;
  const change = {
    ...spec.change,
    branch: spec.change.branch ?? `backbeat/${metadata.name}`,
    commitMessage: spec.change.commitMessage ?? spec.change.title,
  };
  for (const problem of validateChangeTemplate(change)) {
    const path = ['spec', ...problem.field.split(/\.|\[(\d+)\]/).filter((s) => s)].map((s) =>
      /^\d+$/.test(s) ? Number(s) : s,
    );
    problems.push({
      ...file,
      ...at(offsetOf(doc.contents, path)),
      field: `spec.${problem.field}`,
      message: problem.message,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, spec: { ...parsed.data, spec: { ...spec, change } } as ShiftSpec };
}
