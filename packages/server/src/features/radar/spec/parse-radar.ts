import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { parseVersion } from '../../../platform/manifests/version.js';
import { RADAR_API_VERSION, RADAR_KIND, type RadarDefinition, type RadarEntry, RINGS } from '../model/radar.js';
import { fieldName, positionOf } from './yaml-locations.js';

/**
 * One thing wrong with a radar document. `field` is the path in the document
 * (`spec.entries[3].ring`), or '' for the document as a whole (YAML syntax);
 * `line` and `column` are 1-based.
 */
export interface RadarProblem {
  file?: string;
  line?: number;
  column?: number;
  field: string;
  message: string;
  /** The id of the entry the problem is in, when it could be read. */
  entryId?: string;
}

/**
 * `ok: false` when the document itself cannot be used (syntax, header, quadrants);
 * `ok: true` with `problems` when only some entries are bad: those are left out of
 * `radar` and named in `rejectedEntryIds` (when their id could be read), the rest work.
 */
export type ParseRadarResult =
  | { ok: true; radar: RadarDefinition; problems: RadarProblem[]; rejectedEntryIds: string[] }
  | { ok: false; problems: RadarProblem[] };

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const id = z.string().max(63, 'must be at most 63 characters').regex(ID, 'must be lowercase words joined by "-"');
const ring = z.enum(RINGS, { message: `must be one of ${RINGS.join(', ')}` });
const bound = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = String(value);
  if (!parseVersion(text) || /^[~^<>=!]/.test(text.trim())) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a version, e.g. 4.18.0 or 4.x` });
    return z.NEVER;
  }
  return text;
});

const matcher = z
  .strictObject({
    ecosystem: z.enum(['npm', 'maven', 'go', 'pypi'], { message: 'must be one of npm, maven, go, pypi' }).optional(),
    name: z.string().min(1).optional(),
    pattern: z.string().min(1).optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.name === undefined) === (m.pattern === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'give either name or pattern' });
    }
  });

const versionRule = z
  .strictObject({ ring, atLeast: bound.optional(), below: bound.optional() })
  .superRefine((rule, ctx) => {
    if (rule.atLeast === undefined && rule.below === undefined) {
      ctx.addIssue({ code: 'custom', path: ['atLeast'], message: 'give atLeast, below or both' });
    }
  });

const entrySchema = z.strictObject({
  id,
  name: z.string().min(1),
  quadrant: z.string().min(1),
  ring,
  description: z.string().default(''),
  links: z.array(z.strictObject({ title: z.string().min(1), url: z.url({ message: 'must be a URL' }) })).default([]),
  match: z
    .union([matcher, z.array(matcher)])
    .transform((m) => (Array.isArray(m) ? m : [m]))
    .refine((m) => m.length > 0, { message: 'needs at least one matcher' }),
  versions: z.array(versionRule).default([]),
});

const header = z.strictObject({
  apiVersion: z.literal(RADAR_API_VERSION, { message: `must be ${RADAR_API_VERSION}` }),
  kind: z.literal(RADAR_KIND, { message: `must be ${RADAR_KIND}` }),
  metadata: z.strictObject({
    name: id,
    title: z.string().min(1).optional(),
    description: z.string().default(''),
  }),
  spec: z.strictObject({
    quadrants: z.array(z.strictObject({ id, name: z.string().min(1) })).length(4, 'a radar has exactly four quadrants'),
    // Entries are checked one by one below, so one bad entry leaves the others working.
    entries: z
      .array(z.unknown())
      .nullish()
      .transform((v) => v ?? []),
  }),
});

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

function issueProblems(
  error: z.ZodError,
  prefix: PropertyKey[],
  locate: (path: PropertyKey[]) => { line?: number; column?: number },
): { path: PropertyKey[]; message: string; line?: number; column?: number }[] {
  const out: { path: PropertyKey[]; message: string; line?: number; column?: number }[] = [];
  for (const issue of error.issues) {
    const paths =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => [...prefix, ...issue.path, k])
        : [[...prefix, ...(issue.path as PropertyKey[])]];
    for (const path of paths) {
      const message = issue.code === 'unrecognized_keys' ? 'unknown field' : describeIssue(issue);
      out.push({ path, message, ...locate(path) });
    }
  }
  return out;
}

/**
 * Parses and validates a Radar document (YAML). Every problem is reported at once
 * with its field path and line. A broken header or quadrant list rejects the whole
 * document; a broken entry is left out and reported while the valid entries are
 * returned, so one typo never takes the radar down. Unknown keys are problems too.
 *
 * @example
 * const result = parseRadar(text, { file: 'radar.yaml' });
 * if (!result.ok) for (const p of result.problems) console.error(`${p.file}:${p.line} ${p.field}: ${p.message}`);
 */
export function parseRadar(text: string, options: { file?: string } = {}): ParseRadarResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const file = options.file === undefined ? {} : { file: options.file };
  const locate = (path: PropertyKey[]) => positionOf(doc.contents, path, lineCounter);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { ...file, line, column: col, field: '', message: e.message.split('\n')[0]! };
      }),
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
      problems: [{ ...file, line: 1, column: 1, field: '', message: 'a radar must be a YAML mapping' }],
    };
  }
  const parsedHeader = header.safeParse(input);
  if (!parsedHeader.success) {
    return {
      ok: false,
      problems: issueProblems(parsedHeader.error, [], locate).map(({ path, ...rest }) => ({
        ...file,
        ...rest,
        field: fieldName(path),
      })),
    };
  }
  const { metadata, spec } = parsedHeader.data;
  const problems: RadarProblem[] = [];
  const quadrantIds = new Set<string>();
  spec.quadrants.forEach((quadrant, index) => {
    if (quadrantIds.has(quadrant.id)) {
      const path = ['spec', 'quadrants', index, 'id'];
      problems.push({
        ...file,
        ...locate(path),
        field: fieldName(path),
        message: `duplicate quadrant id "${quadrant.id}"`,
      });
    }
    quadrantIds.add(quadrant.id);
  });
  if (problems.length > 0) return { ok: false, problems };

  const entries: RadarEntry[] = [];
  const rejected = new Set<string>();
  const seen = new Set<string>();
  spec.entries.forEach((raw, index) => {
    const prefix = ['spec', 'entries', index];
    const rawId =
      raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string'
        ? (raw as { id: string }).id
        : undefined;
    const entryProblems: RadarProblem[] = [];
    const add = (path: PropertyKey[], message: string) =>
      entryProblems.push({
        ...file,
        ...locate(path),
        field: fieldName(path),
        message,
        ...(rawId ? { entryId: rawId } : {}),
      });
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const p of issueProblems(parsed.error, prefix, locate)) add(p.path, p.message);
    } else {
      const entry = parsed.data;
      if (!quadrantIds.has(entry.quadrant)) {
        add([...prefix, 'quadrant'], `unknown quadrant "${entry.quadrant}"; use one of ${[...quadrantIds].join(', ')}`);
      }
      if (seen.has(entry.id)) add([...prefix, 'id'], `duplicate entry id "${entry.id}"`);
      if (entryProblems.length === 0) {
        seen.add(entry.id);
        entries.push(entry as RadarEntry);
      }
    }
    if (entryProblems.length > 0) {
      problems.push(...entryProblems);
      if (rawId && !seen.has(rawId)) rejected.add(rawId);
    }
  });
  return {
    ok: true,
    radar: {
      name: metadata.name,
      title: metadata.title ?? metadata.name,
      description: metadata.description,
      quadrants: spec.quadrants,
      entries,
    },
    problems,
    rejectedEntryIds: [...rejected],
  };
}
