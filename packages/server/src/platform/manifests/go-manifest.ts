import type { DeclaredDependency, ManifestProblem, ManifestReading } from './types.js';

const MODULE_VERSION = /^(\S+)\s+(v\S+)$/;

function unquote(token: string): string {
  return token.replace(/^"(.*)"$/, '$1').replace(/^`(.*)`$/, '$1');
}

/**
 * Module requirements from go.mod, in the single-line (`require m v1.2.3`) and the
 * block form; `// indirect` requirements count too (a vulnerable module is just as
 * vulnerable when it arrives indirectly).
 *
 * @example
 * readGoMod('module x\n\nrequire github.com/pkg/errors v0.9.1\n').dependencies
 * // [{ ecosystem: 'go', name: 'github.com/pkg/errors', version: 'v0.9.1', file: 'go.mod' }]
 */
export function readGoMod(text: string, file = 'go.mod'): ManifestReading {
  const dependencies: DeclaredDependency[] = [];
  const problems: ManifestProblem[] = [];
  let inBlock = false;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') return;
    let requirement: string | undefined;
    if (inBlock) {
      if (line === ')') {
        inBlock = false;
        return;
      }
      requirement = line;
    } else if (/^require\s*\($/.test(line)) {
      inBlock = true;
      return;
    } else if (/^require\s+/.test(line)) {
      requirement = line.replace(/^require\s+/, '');
    } else {
      return;
    }
    const match = MODULE_VERSION.exec(requirement);
    if (!match) {
      problems.push({ file, line: index + 1, message: `cannot read requirement "${requirement}"` });
      return;
    }
    dependencies.push({ ecosystem: 'go', name: unquote(match[1]!), version: match[2]!, file });
  });
  if (inBlock) problems.push({ file, line: lines.length, message: 'require block is not closed' });
  return { dependencies, problems };
}
