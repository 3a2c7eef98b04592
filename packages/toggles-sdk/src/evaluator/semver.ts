/**
 * Semantic versions as the SEMVER_* constraint operators compare them (semver 2.0.0 precedence).
 * A context value must be a strict version (no leading `v`); a constraint value may carry a
 * leading `v` or `=`, as the reference SDK accepts both.
 */

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
}

const IDENT = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][a-zA-Z0-9-]*)';
const STRICT = new RegExp(
  `^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);
const MAX_LENGTH = 256;

/**
 * Parses a version; `undefined` when it is not valid.
 *
 * @example
 * parseSemver('2.0.0-alpha.1'); // { major: 2, minor: 0, patch: 0, prerelease: ['alpha', 1] }
 * parseSemver('v2.0.0'); // undefined (context values must not start with v)
 * parseSemver('v2.0.0', { allowPrefix: true }); // { major: 2, ... }
 */
export function parseSemver(text: string, options: { allowPrefix?: boolean } = {}): SemVer | undefined {
  let value = text.trim();
  if (value.length > MAX_LENGTH) return undefined;
  if (options.allowPrefix) value = value.replace(/^[=v]+/, '');
  const match = STRICT.exec(value);
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const patch = Number(match[3]);
  if (!Number.isSafeInteger(major) || !Number.isSafeInteger(minor) || !Number.isSafeInteger(patch)) return undefined;
  const prerelease = match[4] ? match[4].split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)) : [];
  return { major, minor, patch, prerelease };
}

/**
 * Precedence of two versions: negative, zero or positive.
 *
 * @example
 * compareSemver(parseSemver('2.0.0-alpha')!, parseSemver('2.0.0')!); // < 0
 */
export function compareSemver(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  const pa = a.prerelease;
  const pb = b.prerelease;
  // A release ranks above its pre-releases.
  if (pa.length === 0 || pb.length === 0) return pb.length - pa.length;
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const xNum = typeof x === 'number';
    const yNum = typeof y === 'number';
    if (xNum && yNum) return x - y;
    if (xNum) return -1;
    if (yNum) return 1;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
