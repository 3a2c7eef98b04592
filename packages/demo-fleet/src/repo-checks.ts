import type { RepoPlan } from './fleet-plan.js';
import type { RepoFiles } from './git-repo.js';

/** Where a repository declares the check command Fleet Shift runs on each change. */
export const CHECKS_FILE = '.backbeat/checks.yaml';
/** The script that command runs. */
export const CHECK_SCRIPT = 'scripts/check.sh';

/**
 * A real, fast check for a repository (well under a second, no network, no
 * dependencies installed): its manifest parses and the files a build needs exist.
 * It also requires tests, so a repository planned without tests fails its checks
 * honestly, which gives Fleet Shift's "checks failed" path something real to show.
 *
 * @example
 * Object.assign(files, checkFiles(plan)); // adds .backbeat/checks.yaml and scripts/check.sh
 */
export function checkFiles(plan: RepoPlan): RepoFiles {
  return {
    [CHECKS_FILE]: `# Checks Backbeat runs on every change to this repository.\ncommand: sh ${CHECK_SCRIPT}\ntimeoutSeconds: 60\n`,
    [CHECK_SCRIPT]: checkScript(plan),
  };
}

const PRELUDE = `#!/bin/sh
# Fast checks: the manifest parses, the files a build needs exist, tests exist.
set -eu
fail() { echo "check failed: $*" >&2; exit 1; }
need() { for f in "$@"; do [ -e "$f" ] || fail "$f is missing"; done; }
`;

function checkScript(plan: RepoPlan): string {
  const lines = [PRELUDE];
  switch (plan.kind) {
    case 'java-service': {
      lines.push(
        'need pom.xml src/main/java Dockerfile',
        "grep -q '</project>' pom.xml || fail 'pom.xml is not a complete Maven project'",
        "[ -d src/test/java ] || fail 'no tests: src/test/java is missing'",
      );
      break;
    }
    case 'pipeline': {
      const module = plan.name.replace(/-/g, '_');
      lines.push(
        `need requirements.txt pyproject.toml ${module}/main.py`,
        'if command -v python3 >/dev/null 2>&1; then',
        `  python3 -c 'import ast; ast.parse(open("${module}/main.py").read())' || fail '${module}/main.py does not parse'`,
        'fi',
        "[ -d tests ] || fail 'no tests: the tests directory is missing'",
      );
      break;
    }
    default: {
      const sources = plan.kind === 'website' ? 'src/App.tsx index.html' : 'src/index.ts';
      const tests =
        plan.kind === 'website' ? 'src/App.test.tsx' : plan.kind === 'library' ? 'src/index.test.ts' : 'test';
      lines.push(
        `need package.json tsconfig.json ${sources}`,
        'if command -v node >/dev/null 2>&1; then',
        `  node -e 'JSON.parse(require("fs").readFileSync("package.json","utf8"))' || fail 'package.json is not valid JSON'`,
        'elif command -v python3 >/dev/null 2>&1; then',
        `  python3 -c 'import json; json.load(open("package.json"))' || fail 'package.json is not valid JSON'`,
        'fi',
        `[ -e ${tests} ] || fail 'no tests: ${tests} is missing'`,
      );
    }
  }
  lines.push("echo 'checks passed'", '');
  return lines.join('\n');
}
