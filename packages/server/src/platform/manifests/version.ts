/** A version reduced to what ordering needs. */
export interface ParsedVersion {
  /** Numeric release segments: `2.17.0` -> [2, 17, 0]. */
  release: number[];
  /** Pre-release identifiers (`rc1` in `2.17.0-rc1`); empty for a release. */
  pre: string[];
}

/** Maven qualifiers that mean "this is the release", not a pre-release. */
const RELEASE_QUALIFIERS = new Set(['final', 'release', 'ga']);

/**
 * Reads a version as manifests write it. Range operators (`^`, `~`, `>=`, `==`,
 * `~=`, ...) are stripped and only the first bound of a range counts, so a range
 * reads as its lowest version: `^2.14.0` is 2.14.0. A leading `v` (Go) is allowed;
 * `x`/`*` segments read as 0. Build metadata (`+...`) is ignored. Undefined when the
 * text holds no version (`latest`, `workspace:*`, a git URL).
 *
 * @example
 * parseVersion('^2.17.0-rc1') // { release: [2, 17, 0], pre: ['rc1'] }
 * parseVersion('latest') // undefined
 */
export function parseVersion(text: string): ParsedVersion | undefined {
  let value = text.trim().replace(/^(?:\^|~=|~|>=|<=|===|==|=|>|<|!=)\s*/, '');
  value = value.split(/[\s,|]/)[0]!.replace(/^v(?=\d)/i, '');
  value = value.split('+')[0]!;
  const match = /^(\d+|[xX*])((?:\.(?:\d+|[xX*]))*)(?:[-.]?(.*))?$/.exec(value);
  if (!match) return undefined;
  const release = [match[1]!, ...match[2]!.split('.').slice(1)].map((s) => (/^\d+$/.test(s) ? Number(s) : 0));
  const qualifier = (match[3] ?? '').replace(/^[-.]/, '');
  const pre =
    qualifier === '' || RELEASE_QUALIFIERS.has(qualifier.toLowerCase())
      ? []
      : qualifier.split(/[.-]/).filter((s) => s.length > 0);
  return { release, pre };
}

/**
 * Whether `text` is one exact version (no range operator), as a bump target or a
 * condition bound must be.
 *
 * @example
 * isExactVersion('2.17.1') // true
 * isExactVersion('^2.17.1') // false
 */
export function isExactVersion(text: string): boolean {
  if (/(^|\.)[xX*](\.|$)/.test(text)) return false;
  return /^v?\d+(\.\d+)*([-.+][0-9A-Za-z.+-]*)?$/.test(text) && parseVersion(text) !== undefined;
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareParsed(a: ParsedVersion, b: ParsedVersion): number {
  const length = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  if (a.pre.length === 0 || b.pre.length === 0) return Math.sign(b.pre.length - a.pre.length);
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const diff = compareIdentifiers(a.pre[i]!, b.pre[i]!);
    if (diff !== 0) return diff;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

/**
 * Orders two versions: negative when `a < b`, 0 when equal, positive when `a > b`.
 * Numeric dot segments (missing ones are 0), a pre-release below its release
 * (`2.17.0-rc1 < 2.17.0`), range operators stripped (see {@link parseVersion}).
 *
 * @throws Error when either side holds no version.
 * @example
 * compareVersions('2.14.1', '2.17.1') // -1
 * compareVersions('v1.2', '1.2.0') // 0
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa) throw new Error(`"${a}" is not a version`);
  if (!pb) throw new Error(`"${b}" is not a version`);
  return compareParsed(pa, pb);
}
