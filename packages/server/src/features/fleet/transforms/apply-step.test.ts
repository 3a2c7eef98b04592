import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildDemoOrg,
  createRepository,
  DEPLOYMENT_FILE,
  LOG_LIB_NAME,
  LOG4J_ARTIFACT_ID,
  planFleet,
  type RepoPlan,
  repoFiles,
  runGit,
} from '@backbeat/demo-fleet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyBuiltinStep, type BuiltinStep, diskFiles, StepError } from './index.js';
import { replaceInFiles } from './replace-in-files.js';

let dir: string;
let workdir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backbeat-transforms-'));
  workdir = join(dir, 'repo');
  mkdirSync(workdir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string | Buffer): void {
  mkdirSync(join(workdir, file, '..'), { recursive: true });
  writeFileSync(join(workdir, file), text);
}
function read(file: string): string {
  return readFileSync(join(workdir, file), 'utf8');
}
async function stepError(step: BuiltinStep): Promise<StepError> {
  try {
    await applyBuiltinStep(step, diskFiles(workdir));
  } catch (error) {
    if (error instanceof StepError) return error;
    throw error;
  }
  throw new Error('expected a StepError');
}
/** Changed lines of the work tree against its commit, as `-old`/`+new` pairs. */
async function diffLines(): Promise<string[]> {
  const diff = await runGit(workdir, ['diff', '--unified=0', '--no-color']);
  return diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
}

const plans = planFleet(buildDemoOrg({ size: 40, seed: 7 }), { size: 40, seed: 7 });
function demoRepo(predicate: (plan: RepoPlan) => boolean): Promise<RepoPlan> {
  const plan = plans.find(predicate)!;
  return createRepository(workdir, repoFiles(plan), 'Initial commit').then(() => plan);
}

describe('bump-dependency', () => {
  it('bumps log-lib in a demo Node service, changing only that line', async () => {
    const plan = await demoRepo((p) => p.kind === 'node-service' && p.versions.logLib === '2.14.1');
    const result = await applyBuiltinStep(
      { type: 'bump-dependency', dependency: LOG_LIB_NAME, to: '2.17.1' },
      diskFiles(workdir),
    );
    expect(result.changedFiles).toEqual(['package.json']);
    const lines = await diffLines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^-    "${LOG_LIB_NAME}": "2\\.14\\.1",?$`));
    expect(lines[1]).toBe(lines[0]!.replace('-', '+').replace('2.14.1', '2.17.1'));
    expect(result.log).toContain('dependencies.log-lib: 2.14.1 -> 2.17.1');
    expect(plan.name).toBeTruthy();
  });

  it('keeps the range operator, updates every section and the v3 lockfile, and never downgrades', async () => {
    const pkg =
      '{\n\t"name": "x",\n\t"dependencies": { "log-lib": "^2.14.1", "other": "1.0.0" },\n\t"peerDependencies": {\n\t\t"log-lib": "~2.15.0"\n\t},\n\t"devDependencies": { "newer": "3.0.0" }\n}';
    write('package.json', pkg);
    const lock = {
      name: 'x',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': {
          name: 'x',
          dependencies: { 'log-lib': '^2.14.1', other: '1.0.0' },
          peerDependencies: { 'log-lib': '~2.15.0' },
        },
        'node_modules/log-lib': {
          version: '2.14.3',
          resolved: 'https://registry.npmjs.org/log-lib/-/log-lib-2.14.3.tgz',
          integrity: 'sha512-old',
        },
        'node_modules/other': { version: '1.0.0' },
      },
    };
    write('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
    const result = await applyBuiltinStep(
      { type: 'bump-dependency', dependency: 'log-lib', to: '2.17.1' },
      diskFiles(workdir),
    );
    expect(result.changedFiles).toEqual(['package-lock.json', 'package.json']);
    expect(read('package.json')).toBe(pkg.replace('^2.14.1', '^2.17.1').replace('~2.15.0', '~2.17.1'));
    const after = JSON.parse(read('package-lock.json'));
    expect(after.packages['node_modules/log-lib']).toEqual({ version: '2.17.1' });
    expect(after.packages[''].dependencies['log-lib']).toBe('^2.17.1');
    expect(after.packages[''].peerDependencies['log-lib']).toBe('~2.17.1');
    expect(after.packages['node_modules/other']).toEqual({ version: '1.0.0' });
    expect(read('package-lock.json').endsWith('}\n')).toBe(true);

    const again = await applyBuiltinStep(
      { type: 'bump-dependency', dependency: 'newer', to: '2.0.0' },
      diskFiles(workdir),
    );
    expect(again.changedFiles).toEqual([]);
    expect(again.log).toContain('left alone, already at 3.0.0');
  });

  it('bumps log4j-core in a demo Java service by artifactId', async () => {
    await demoRepo((p) => p.kind === 'java-service' && p.versions.log4j === '2.14.1');
    const result = await applyBuiltinStep(
      { type: 'bump-dependency', dependency: LOG4J_ARTIFACT_ID, to: '2.17.1' },
      diskFiles(workdir),
    );
    expect(result.changedFiles).toEqual(['pom.xml']);
    expect(await diffLines()).toEqual(['-      <version>2.14.1</version>', '+      <version>2.17.1</version>']);
  });

  it('edits the property a Maven version references, once, and leaves managed versions alone', async () => {
    const pom = `<project>
  <properties>
    <log4j.version>2.15.0</log4j.version> <!-- shared -->
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>\${log4j.version}</version>
    </dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><classifier>tests</classifier><version>\${log4j.version}</version></dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-api</artifactId>
    </dependency>
  </dependencies>
</project>
`;
    write('pom.xml', pom);
    const result = await applyBuiltinStep(
      { type: 'bump-dependency', dependency: 'org.apache.logging.log4j:log4j-core', to: '2.17.1' },
      diskFiles(workdir),
    );
    expect(read('pom.xml')).toBe(pom.replace('<log4j.version>2.15.0', '<log4j.version>2.17.1'));
    expect(result.log).toBe('pom.xml org.apache.logging.log4j:log4j-core (property log4j.version): 2.15.0 -> 2.17.1');
    const managed = await applyBuiltinStep(
      { type: 'bump-dependency', dependency: 'log4j-api', to: '2.17.1' },
      diskFiles(workdir),
    );
    expect(managed.changedFiles).toEqual([]);
    expect(managed.log).toContain('managed elsewhere');
  });

  it('changes nothing when no manifest declares the dependency', async () => {
    write('package.json', '{"dependencies":{"a":"1.0.0"}}\n');
    const result = await applyBuiltinStep(
      { type: 'bump-dependency', dependency: 'log-lib', to: '2.17.1' },
      diskFiles(workdir),
    );
    expect(result).toEqual({ changedFiles: [], log: 'no manifest declares log-lib' });
  });

  it('names the file and line of a broken package.json', async () => {
    write('package.json', '{\n  "dependencies": {\n    "log-lib": "1.0.0",,\n  }\n}\n');
    const error = await stepError({ type: 'bump-dependency', dependency: 'log-lib', to: '2.17.1' });
    expect(error.message).toBe('package.json:3: invalid JSON, cannot bump the dependency');
  });
});

describe('set-value and delete-value', () => {
  it('sets the image in the demo deployment, changing only that line', async () => {
    await demoRepo((p) => p.kind === 'node-service');
    const before = read(DEPLOYMENT_FILE);
    const image = /image: (\S+)/.exec(before)![1]!;
    const step: BuiltinStep = {
      type: 'set-value',
      file: DEPLOYMENT_FILE,
      path: 'spec.template.spec.containers[0].image',
      value: 'registry.example/new:2.0.0',
    };
    const result = await applyBuiltinStep(step, diskFiles(workdir));
    expect(result.changedFiles).toEqual([DEPLOYMENT_FILE]);
    const lines = await diffLines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(image);
    expect(lines[1]).toMatch(/^\+\s+image: registry.example\/new:2.0.0$/);
    expect(await applyBuiltinStep(step, diskFiles(workdir))).toEqual({
      changedFiles: [],
      log: `${DEPLOYMENT_FILE} ${step.path}: unchanged`,
    });
  });

  it('keeps comments, quoting and later documents; creates missing keys', async () => {
    const text = `# Deployment of x
spec:
  replicas: 2 # scaled by hand
  image: 'registry/x:1.0'
  labels: {app: x}
---
# untouched
kind: Service
`;
    write('deploy.yaml', text);
    await applyBuiltinStep(
      { type: 'set-value', file: 'deploy.yaml', path: 'spec.image', value: 'registry/x:2.0' },
      diskFiles(workdir),
    );
    expect(read('deploy.yaml')).toBe(text.replace("'registry/x:1.0'", "'registry/x:2.0'"));
    await applyBuiltinStep(
      { type: 'set-value', file: 'deploy.yaml', path: 'spec.replicas', value: '3' },
      diskFiles(workdir),
    );
    expect(read('deploy.yaml')).toContain('replicas: "3" # scaled by hand\n');
    await applyBuiltinStep(
      { type: 'set-value', file: 'deploy.yaml', path: 'spec.resources.limits', value: { cpu: '1' } },
      diskFiles(workdir),
    );
    await applyBuiltinStep({ type: 'delete-value', file: 'deploy.yaml', path: 'spec.labels' }, diskFiles(workdir));
    expect(read('deploy.yaml')).toBe(`# Deployment of x
spec:
  replicas: "3" # scaled by hand
  image: 'registry/x:2.0'
  resources:
    limits:
      cpu: "1"
---
# untouched
kind: Service
`);
    const sameObject = await applyBuiltinStep(
      { type: 'set-value', file: 'deploy.yaml', path: 'spec.resources', value: { limits: { cpu: '1' } } },
      diskFiles(workdir),
    );
    expect(sameObject.changedFiles).toEqual([]);
    const absent = await applyBuiltinStep(
      { type: 'delete-value', file: 'deploy.yaml', path: 'spec.nothing' },
      diskFiles(workdir),
    );
    expect(absent.changedFiles).toEqual([]);
  });

  it('fills an empty YAML value on the way', async () => {
    write('e.yaml', 'spec:\n  resources:\n  replicas: 1\n');
    await applyBuiltinStep(
      { type: 'set-value', file: 'e.yaml', path: 'spec.resources.limits.memory', value: '1Gi' },
      diskFiles(workdir),
    );
    expect(read('e.yaml')).toBe('spec:\n  resources:\n    limits:\n      memory: 1Gi\n  replicas: 1\n');
  });

  it('keeps CRLF line endings and a missing final newline', async () => {
    write('crlf.yaml', 'a: 1\r\nb:\r\n  c: 2\r\n');
    await applyBuiltinStep({ type: 'set-value', file: 'crlf.yaml', path: 'b.d', value: 3 }, diskFiles(workdir));
    expect(read('crlf.yaml')).toBe('a: 1\r\nb:\r\n  c: 2\r\n  d: 3\r\n');
    write('bare.yaml', 'a: 1');
    await applyBuiltinStep({ type: 'set-value', file: 'bare.yaml', path: 'b', value: 2 }, diskFiles(workdir));
    expect(read('bare.yaml')).toBe('a: 1\nb: 2');
  });

  it('edits JSON keeping its formatting and comments', async () => {
    const text =
      '{\n\t// compiler settings\n\t"compilerOptions": {\n\t\t"target": "ES2020",\n\t\t"strict": true\n\t}\n}\n';
    write('tsconfig.json', text);
    await applyBuiltinStep(
      { type: 'set-value', file: 'tsconfig.json', path: 'compilerOptions.target', value: 'ES2022' },
      diskFiles(workdir),
    );
    expect(read('tsconfig.json')).toBe(text.replace('ES2020', 'ES2022'));
    await applyBuiltinStep(
      { type: 'set-value', file: 'tsconfig.json', path: 'compilerOptions.paths.x', value: ['./x'] },
      diskFiles(workdir),
    );
    expect(JSON.parse(read('tsconfig.json').replace('\t// compiler settings\n', '')).compilerOptions.paths).toEqual({
      x: ['./x'],
    });
    expect(read('tsconfig.json')).toContain('\t// compiler settings\n');
    await applyBuiltinStep(
      { type: 'delete-value', file: 'tsconfig.json', path: 'compilerOptions.strict' },
      diskFiles(workdir),
    );
    expect(read('tsconfig.json')).not.toContain('strict');
    const same = await applyBuiltinStep(
      { type: 'set-value', file: 'tsconfig.json', path: 'compilerOptions.target', value: 'ES2022' },
      diskFiles(workdir),
    );
    expect(same.changedFiles).toEqual([]);
  });

  it('fails with the file name (and line) for a missing file, a bad path or a bad document', async () => {
    expect((await stepError({ type: 'set-value', file: 'nope.yaml', path: 'a', value: 1 })).message).toBe(
      'nope.yaml: file not found',
    );
    write('a.yaml', 'a:\n  b: text\n');
    expect((await stepError({ type: 'set-value', file: 'a.yaml', path: 'a.b.c', value: 1 })).message).toBe(
      'a.yaml:2: a.b.c: expected a mapping before "c"',
    );
    write('list.json', '{\n  "items": [1]\n}\n');
    expect((await stepError({ type: 'set-value', file: 'list.json', path: 'items[5]', value: 1 })).message).toBe(
      'list.json:2: items[5]: index 5 is past the end of the list',
    );
    write('broken.yaml', 'a: [1\n');
    expect((await stepError({ type: 'delete-value', file: 'broken.yaml', path: 'a' })).message).toMatch(
      /^broken\.yaml:\d+: invalid YAML/,
    );
    write('x.txt', 'a');
    expect((await stepError({ type: 'delete-value', file: 'x.txt', path: 'a' })).message).toContain('x.txt: only');
  });
});

describe('replace', () => {
  it('replaces in matching text files and skips binary, non-UTF-8, symlinks and .git', async () => {
    await createRepository(
      workdir,
      { 'src/a.ts': 'oldLog("a");\noldLog("b");\n', 'src/b.md': 'oldLog\n', 'src/c.ts': 'fine\n' },
      'Initial commit',
    );
    write('src/bin.ts', Buffer.from([0x6f, 0x6c, 0x64, 0x00, 0x01]));
    write('src/latin1.ts', Buffer.from('oldLog("\xe9")\n', 'latin1'));
    write('src/.hidden.ts', 'oldLog()\n');
    symlinkSync(join(workdir, 'src/a.ts'), join(workdir, 'src/link.ts'));
    const gitConfig = read('.git/config');
    const result = await applyBuiltinStep(
      { type: 'replace', files: '**/*.ts', pattern: 'OLDLOG\\(', replacement: 'newLog(', flags: 'i' },
      diskFiles(workdir),
    );
    expect(result.changedFiles).toEqual(['src/.hidden.ts', 'src/a.ts']);
    expect(read('src/a.ts')).toBe('newLog("a");\nnewLog("b");\n');
    expect(read('src/b.md')).toBe('oldLog\n');
    expect(readFileSync(join(workdir, 'src/latin1.ts'))).toEqual(Buffer.from('oldLog("\xe9")\n', 'latin1'));
    expect(result.log).toContain('skipped src/bin.ts: binary');
    expect(result.log).toContain('skipped src/latin1.ts: not UTF-8');
    expect(result.log).not.toContain('link.ts');
    expect(read('.git/config')).toBe(gitConfig);
    const everything = await applyBuiltinStep(
      { type: 'replace', files: '**', pattern: 'core', replacement: 'x' },
      diskFiles(workdir),
    );
    expect(everything.changedFiles).toEqual([]);
    expect(read('.git/config')).toBe(gitConfig);
  });

  it('keeps a final newline and capture groups work', async () => {
    write('v.txt', 'version=1.2.3\n');
    await applyBuiltinStep(
      { type: 'replace', files: 'v.txt', pattern: 'version=(\\d+)\\.\\d+\\.\\d+\\n', replacement: 'v$1' },
      diskFiles(workdir),
    );
    expect(read('v.txt')).toBe('v1\n');
  });

  it('stops a runaway pattern and names the file, leaving it untouched', async () => {
    const text = `${'a'.repeat(40)}!\n`;
    write('slow.txt', text);
    const started = Date.now();
    const error = await replaceInFiles(
      { type: 'replace', files: '*.txt', pattern: '(a+)+$', replacement: 'x' },
      diskFiles(workdir),
      { timeoutMs: 300 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as StepError).message).toBe('slow.txt: replace failed: the pattern ran for more than 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(read('slow.txt')).toBe(text);
  });

  it('keeps a byte-order mark', async () => {
    write('bom.txt', '\ufeffhello\n');
    await applyBuiltinStep(
      { type: 'replace', files: 'bom.txt', pattern: 'hello', replacement: 'bye' },
      diskFiles(workdir),
    );
    expect(readFileSync(join(workdir, 'bom.txt'))).toEqual(Buffer.from('\ufeffbye\n'));
  });
});

describe('paths stay inside the work tree', () => {
  it('rejects .., absolute paths, .git and symlinks leading outside', async () => {
    writeFileSync(join(dir, 'outside.yaml'), 'a: 1\n');
    symlinkSync(join(dir, 'outside.yaml'), join(workdir, 'link.yaml'));
    symlinkSync(dir, join(workdir, 'up'));
    const cases: [BuiltinStep, string][] = [
      [
        { type: 'set-value', file: '../outside.yaml', path: 'a', value: 2 },
        '../outside.yaml: path must not contain ".." segments',
      ],
      [{ type: 'set-value', file: join(dir, 'outside.yaml'), path: 'a', value: 2 }, 'must be relative'],
      [{ type: 'delete-value', file: '.git/config.json', path: 'a' }, 'must not point into .git'],
      [
        { type: 'set-value', file: 'link.yaml', path: 'a', value: 2 },
        'link.yaml: path leads outside the work tree through a symlink',
      ],
      [{ type: 'set-value', file: 'up/outside.yaml', path: 'a', value: 2 }, 'outside the work tree'],
      [{ type: 'replace', files: '../*.yaml', pattern: 'a', replacement: 'b' }, 'must not contain ".."'],
    ];
    for (const [step, message] of cases) expect((await stepError(step)).message).toContain(message);
    expect(readFileSync(join(dir, 'outside.yaml'), 'utf8')).toBe('a: 1\n');
    // A replace over everything does not follow the links either.
    await applyBuiltinStep({ type: 'replace', files: '**', pattern: 'a: 1', replacement: 'a: 2' }, diskFiles(workdir));
    expect(readFileSync(join(dir, 'outside.yaml'), 'utf8')).toBe('a: 1\n');
  });

  it('follows a symlink that stays inside and reports the real file', async () => {
    write('real/conf.json', '{"a": 1}\n');
    symlinkSync('real/conf.json', join(workdir, 'conf.json'));
    const result = await applyBuiltinStep(
      { type: 'set-value', file: 'conf.json', path: 'a', value: 2 },
      diskFiles(workdir),
    );
    expect(result.changedFiles).toEqual(['real/conf.json']);
    expect(read('real/conf.json')).toBe('{"a": 2}\n');
  });
});
