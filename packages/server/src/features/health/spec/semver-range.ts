import { compareVersions, parseVersion } from '../../../platform/manifests/index.js';

type Comparator = { op: '<' | '<=' | '>' | '>=' | '='; version: string };

/**
 * A compiled npm-style version range: `||` between alternatives, space-separated
 * comparators within one (`>=2.17.1 <3`), `^`, `~`, `x`/`*` wildcards and hyphen
 * ranges (`1.2 - 2.3.4`). Versions compare as platform/manifests orders them, so a
 * declared range in a manifest (`^2.14.1`) is read as its lowest version.
 * Pre-releases compare by order only (no npm "same tuple" rule).
 *
 * @throws Error naming the part of the range that is not understood.
 * @example
 * const inRange = compileSemverRange('>=2.17.1 <3 || 1.x');
 * inRange('2.18.0') // true
 */
export function compileSemverRange(range: string): (version: string) => boolean {
  const alternatives = range
    .split('||')
    .map((part) => part.trim())
    .map((part) => (part === '' ? [] : comparatorsOf(part, range)));
  // A fleet repeats the same few versions thousands of times: remember the answers.
  const answers = new Map<string, boolean>();
  return (version) => {
    if (typeof version !== 'string') return false;
    let answer = answers.get(version);
    if (answer === undefined) {
      answer = parseVersion(version) !== undefined && alternatives.some((cs) => cs.every((c) => test(c, version)));
      if (answers.size >= 10_000) answers.clear();
      answers.set(version, answer);
    }
    return answer;
  };
}

function test(comparator: Comparator, version: string): boolean {
  const order = compareVersions(version, comparator.version);
  switch (comparator.op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    default:
      return order === 0;
  }
}

function comparatorsOf(part: string, range: string): Comparator[] {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(part);
  if (hyphen) {
    const low = partial(hyphen[1]!, range);
    const high = partial(hyphen[2]!, range);
    const out: Comparator[] = [{ op: '>=', version: low.version }];
    if (high.segments === 0) return out;
    out.push(
      high.segments < 3
        ? { op: '<', version: bumpAt(high.numbers, high.segments - 1) }
        : { op: '<=', version: high.version },
    );
    return out;
  }
  return part
    .replace(/(<=|>=|<|>|=|\^|~)\s+/g, '$1')
    .split(/\s+/)
    .flatMap((token) => comparatorsOfToken(token, range));
}

function comparatorsOfToken(token: string, range: string): Comparator[] {
  const match = /^(<=|>=|<|>|=|\^|~)?(.*)$/.exec(token)!;
  const op = match[1] ?? '';
  const p = partial(match[2]!, range);
  if (op === '^') {
    if (p.segments === 0) return [];
    const first = p.numbers.findIndex((n, i) => n !== 0 || i === p.segments - 1 || i === 2);
    const at = p.segments === 1 ? 0 : Math.min(first, p.segments - 1);
    return [
      { op: '>=', version: p.version },
      { op: '<', version: bumpAt(p.numbers, at) },
    ];
  }
  if (op === '~') {
    if (p.segments === 0) return [];
    return [
      { op: '>=', version: p.version },
      { op: '<', version: bumpAt(p.numbers, p.segments === 1 ? 0 : 1) },
    ];
  }
  if (op === '' || op === '=') {
    if (p.segments === 0) return [];
    if (p.segments < 3)
      return [
        { op: '>=', version: p.version },
        { op: '<', version: bumpAt(p.numbers, p.segments - 1) },
      ];
    return [{ op: '=', version: p.version }];
  }
  if (p.segments === 0) return op === '<' ? [{ op: '<', version: '0.0.0-0' }] : [];
  if (op === '>' && p.segments < 3) return [{ op: '>=', version: bumpAt(p.numbers, p.segments - 1) }];
  if (op === '<=' && p.segments < 3) return [{ op: '<', version: bumpAt(p.numbers, p.segments - 1) }];
  return [{ op: op as Comparator['op'], version: p.version }];
}

/** A version with possibly missing or wildcard segments: `2`, `2.17`, `2.x`, `*`. */
function partial(text: string, range: string): { version: string; numbers: number[]; segments: number } {
  const value = text.replace(/^v(?=\d)/i, '');
  if (value === '' || value === '*' || /^[xX]$/.test(value))
    return { version: '0.0.0', numbers: [0, 0, 0], segments: 0 };
  const match = /^(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(.*)$/.exec(value);
  if (!match || (match[4] && !/^[-+.][0-9A-Za-z.+-]*$/.test(match[4]))) {
    throw new Error(`"${text}" in "${range}" is not a version`);
  }
  const parts = [match[1], match[2], match[3]];
  let segments = 0;
  const numbers: number[] = [];
  for (const segment of parts) {
    if (segment === undefined || /^[xX*]$/.test(segment)) break;
    numbers.push(Number(segment));
    segments++;
  }
  while (numbers.length < 3) numbers.push(0);
  const version = segments === 3 ? value : numbers.join('.');
  return { version, numbers, segments };
}

function bumpAt(numbers: readonly number[], index: number): string {
  const out = numbers.slice(0, 3).map((n, i) => (i < index ? n : i === index ? n + 1 : 0));
  return `${out.join('.')}-0`;
}
