/**
 * REGEX constraints use RE2 syntax (what Unleash's servers validate and its SDKs run). This
 * translates an RE2 pattern into an equivalent JavaScript RegExp, once per constraint, and
 * rejects what RE2 rejects (look-around, back-references) so a pattern behaves the same here
 * as in every other SDK. Inline flags (`(?i)`, `(?m)`, `(?s)`) apply to the whole pattern,
 * which is where they are written in practice.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;

/**
 * Compiles an RE2 pattern; throws an Error naming the problem when RE2 would reject it or
 * JavaScript cannot express it.
 *
 * @example
 * compileRe2('^[[:alpha:]]+$').test('Alpha'); // true
 * compileRe2('^(?i)abc$').test('AbC'); // true
 * compileRe2('^(a)\\1$'); // throws: back-references are not RE2
 */
export function compileRe2(pattern: string, caseInsensitive = false): RegExp {
  const flags = new Set<string>();
  if (caseInsensitive) flags.add('i');
  let out = '';
  let unicode = false;
  const n = pattern.length;
  let i = 0;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) throw new Error('trailing backslash');
      if (e >= '1' && e <= '9') throw new Error('back-references are not supported by RE2');
      if (e === 'k' && pattern[i + 2] === '<') throw new Error('back-references are not supported by RE2');
      if (e === 'A') out += '(?<![\\s\\S])';
      else if (e === 'z') out += '(?![\\s\\S])';
      else if (e === 'C') out += '[\\s\\S]';
      else if (e === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? n : end);
        out += literal.replace(SPECIAL, '\\$&');
        i = end < 0 ? n : end + 2;
        continue;
      } else if ((e === 'p' || e === 'P') && pattern[i + 2] !== '{') {
        unicode = true;
        out += `\\${e}{${pattern[i + 2] ?? ''}}`;
        i += 3;
        continue;
      } else {
        if (e === 'p' || e === 'P') unicode = true;
        out += `\\${e}`;
      }
      i += 2;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (/^(?:=|!|<=|<!)/.test(rest)) throw new Error('look-around is not supported by RE2');
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 4;
        continue;
      }
      const flagged = /^([imsU-]*)([:)])/.exec(rest);
      if (flagged && flagged[1] !== '') {
        let negate = false;
        for (const f of flagged[1]!) {
          if (f === '-') negate = true;
          else if (f === 'U') throw new Error('the ungreedy flag (?U) is not supported');
          else if (negate) flags.delete(f);
          else flags.add(f);
        }
        if (flagged[2] === ':') out += '(?:';
        i += 2 + flagged[0].length;
        continue;
      }
    }
    if (c === '[') {
      // Copy a character class, expanding POSIX classes such as [[:alpha:]].
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      if (pattern[j] === ']') {
        cls += '\\]';
        j++;
      }
      let closed = false;
      while (j < n) {
        const d = pattern[j]!;
        if (d === ']') {
          closed = true;
          j++;
          break;
        }
        if (d === '\\') {
          if (pattern[j + 1] === 'p' || pattern[j + 1] === 'P') unicode = true;
          cls += pattern.slice(j, j + 2);
          j += 2;
          continue;
        }
        if (d === '[' && pattern[j + 1] === ':') {
          const end = pattern.indexOf(':]', j + 2);
          const name = end < 0 ? '' : pattern.slice(j + 2, end);
          const expansion = POSIX_CLASSES[name];
          if (expansion === undefined) throw new Error(`unknown character class [:${name}:]`);
          cls += expansion;
          j = end + 2;
          continue;
        }
        if (d === '[') {
          cls += '\\[';
          j++;
          continue;
        }
        cls += d;
        j++;
      }
      if (!closed) throw new Error('missing closing ]');
      out += `${cls}]`;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  let flagText = [...flags].sort().join('');
  if (unicode) flagText += 'u';
  return new RegExp(out, flagText);
}
