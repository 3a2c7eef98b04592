import type { DeclaredDependency, ManifestProblem, ManifestReading } from './types.js';

const REQUIREMENT =
  /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*((?:(?:===|==|~=|!=|<=|>=|<|>)\s*[^\s,;]+\s*,?\s*)*)\s*(?:;.*)?$/;

/**
 * The name and version spec of one PEP 508 requirement (`requests[socks]>=2.31,<3; python_version>"3.8"`),
 * or undefined when it is not one (a URL, an option line).
 *
 * @example
 * parseRequirement('pandas==2.1.4') // { name: 'pandas', version: '==2.1.4' }
 */
export function parseRequirement(text: string): { name: string; version: string } | undefined {
  const match = REQUIREMENT.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!, version: match[2]!.replace(/\s+/g, '').replace(/,$/, '') };
}

/**
 * PEP 503 normal form: case and runs of `-`, `_`, `.` do not matter in PyPI names.
 *
 * @example
 * normalisePypiName('Zope.Interface') // 'zope-interface'
 */
export function normalisePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Requirements from requirements.txt. Option lines (`-r`, `-e`, `--index-url`) are
 * skipped; anything else that is not a requirement is a problem with its line.
 *
 * @example
 * readRequirementsTxt('pandas==2.1.4\n').dependencies // [{ ecosystem: 'pypi', name: 'pandas', version: '==2.1.4', ... }]
 */
export function readRequirementsTxt(text: string, file = 'requirements.txt'): ManifestReading {
  const dependencies: DeclaredDependency[] = [];
  const problems: ManifestProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    let line = lines[i]!;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!;
    line = line.replace(/(^|\s)#.*$/, '').trim();
    if (line === '' || line.startsWith('-')) continue;
    const requirement = parseRequirement(line);
    if (!requirement) {
      problems.push({ file, line: first + 1, message: `cannot read requirement "${line}"` });
      continue;
    }
    dependencies.push({ ecosystem: 'pypi', ...requirement, file });
  }
  return { dependencies, problems };
}

function tomlString(text: string): string | undefined {
  const match = /^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/.exec(text);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

/**
 * Dependencies from pyproject.toml: the `[project]` `dependencies` array (PEP 621)
 * and `[tool.poetry.dependencies]` / `[tool.poetry.group.<name>.dependencies]`
 * tables. A small line-based reader: it understands the shapes these sections take
 * in practice (one array, `name = "spec"`, `name = { version = "spec" }`), not all of TOML.
 *
 * @example
 * readPyproject('[project]\ndependencies = ["requests>=2.31"]\n').dependencies[0].version // '>=2.31'
 */
export function readPyproject(text: string, file = 'pyproject.toml'): ManifestReading {
  const dependencies: DeclaredDependency[] = [];
  const problems: ManifestProblem[] = [];
  const lines = text.split(/\r?\n/);
  let table = '';
  let arrayStart = -1;
  let array = '';
  const addRequirement = (spec: string, line: number) => {
    const requirement = parseRequirement(spec);
    if (requirement) dependencies.push({ ecosystem: 'pypi', ...requirement, file });
    else problems.push({ file, line, message: `cannot read requirement "${spec}"` });
  };
  const finishArray = () => {
    for (const item of array.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)) {
      addRequirement((item[1] ?? item[2])!, arrayStart + 1);
    }
    arrayStart = -1;
    array = '';
  };
  // A `]` inside a string (`requests[socks]`) does not close the array.
  const closes = (text: string) => text.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '').includes(']');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\s#.*$/, '').replace(/^#.*$/, '');
    if (arrayStart !== -1) {
      array += ` ${line}`;
      if (closes(line)) finishArray();
      continue;
    }
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      table = header[1]!.trim();
      continue;
    }
    const entry = /^\s*("?[A-Za-z0-9._-]+"?)\s*=\s*(.*)$/.exec(line);
    if (!entry) continue;
    const key = entry[1]!.replace(/"/g, '');
    const value = entry[2]!;
    if (table === 'project' && key === 'dependencies') {
      if (!value.startsWith('[')) {
        problems.push({ file, line: i + 1, message: 'project.dependencies must be an array' });
        continue;
      }
      arrayStart = i;
      array = value;
      if (closes(value)) finishArray();
    } else if (/^tool\.poetry\.(?:group\.[^.]+\.)?(?:dev-)?dependencies$/.test(table) && key !== 'python') {
      const spec = value.startsWith('{') ? tomlString(/version\s*=\s*(.*)$/.exec(value)?.[1] ?? '') : tomlString(value);
      dependencies.push({ ecosystem: 'pypi', name: key, version: spec ?? '', file });
    }
  }
  if (arrayStart !== -1)
    problems.push({ file, line: arrayStart + 1, message: 'project.dependencies array is not closed' });
  return { dependencies, problems };
}
