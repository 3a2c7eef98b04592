import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { API_VERSION, type Descriptor } from './descriptor.js';
import { LOG_LIB_NAME } from './fleet-plan.js';
import { DEMO_COMMIT_DATE, DEMO_GIT_AUTHOR } from './git-repo.js';
import { WORDS } from './org-data.js';
import { createRandom, deriveSeed, type Random } from './random.js';
import { toYaml, toYamlDocuments } from './yaml.js';

/**
 * A fleet of many Node service repositories for the Fleet Shift benchmark: each a
 * bare git repository (what a code host keeps) holding one commit with a catalog
 * descriptor, a package.json and lockfile that declare a vulnerable `log-lib`, and
 * filler source files of a few KB each. Every repository is written as a single
 * pack file with its index, in the formats git writes, so a thousand repositories
 * of 300 files cost a few thousand file writes rather than hundreds of thousands of
 * loose objects or git processes.
 */

/** The groups that own the fleet's services; their descriptors live in the org repository. */
export const LARGE_FLEET_GROUPS = [
  'payments-squad',
  'identity-squad',
  'playback-squad',
  'discovery-squad',
  'messaging-squad',
  'platform-squad',
  'developer-experience-squad',
] as const;

/** The vulnerable `log-lib` versions the services lock (all below the fixed 2.17.1). */
const VULNERABLE_LOG_LIB = ['2.14.1', '2.15.0', '2.16.0'] as const;

export interface LargeFleetRepo {
  name: string;
  /** Absolute path of the bare repository (`<dir>/repos/<name>.git`). */
  path: string;
  /** Owning group's name, one of {@link LARGE_FLEET_GROUPS}. */
  owner: string;
  /** Commit id of `main` as generated. */
  commit: string;
}

export interface LargeFleet {
  /** Absolute path of the bare repository holding the groups' descriptors (`groups.yaml`). */
  orgRepo: string;
  repos: LargeFleetRepo[];
}

export interface GenerateLargeFleetOptions {
  /** An empty (or missing) directory: repositories go to `<dir>/repos/`, the org repository to `<dir>/org.git`. */
  dir: string;
  /** Number of service repositories (the org repository comes on top). */
  count: number;
  /** Files per repository, counting the fixed ones (descriptor, manifests, README, ...). */
  filesPerRepo?: number;
  seed?: number;
}

/** Files every service repository has besides its filler sources. */
const FIXED_FILES = 8;

/**
 * Writes `count` bare repositories of Node services and an org repository, each
 * with one commit on `main` by a fixed author at a fixed date: the same options
 * give the same commit ids. Pushes to `main` are accepted (the repositories are
 * bare). No `.backbeat/checks.yaml` is written, so a shift's changes have no checks.
 *
 * @example
 * const fleet = await generateLargeFleet({ dir: '/tmp/fleet', count: 1000 });
 * fleet.repos[0]; // { name: 'podcast-gateway-0000', path: '/tmp/fleet/repos/podcast-gateway-0000.git', ... }
 */
export async function generateLargeFleet(options: GenerateLargeFleetOptions): Promise<LargeFleet> {
  const { count } = options;
  const filesPerRepo = options.filesPerRepo ?? 300;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
  if (!Number.isInteger(filesPerRepo) || filesPerRepo < FIXED_FILES) {
    throw new Error(`filesPerRepo must be an integer of at least ${FIXED_FILES}, got ${filesPerRepo}`);
  }
  const dir = resolve(options.dir);
  if (existsSync(join(dir, 'org.git')) || (existsSync(join(dir, 'repos')) && readdirSync(join(dir, 'repos')).length)) {
    throw new Error(`${dir} already holds a fleet; generate into an empty directory`);
  }
  mkdirSync(join(dir, 'repos'), { recursive: true });

  const orgRepo = join(dir, 'org.git');
  writeBareRepository(orgRepo, orgFiles(), 'Describe the organisation');

  const pool = fillerPool(createRandom(deriveSeed(seed, 'filler')));
  const repos: LargeFleetRepo[] = [];
  for (let i = 0; i < count; i++) {
    const random = createRandom(deriveSeed(seed, `repo-${i}`));
    const name = `${random.pick(WORDS.areas)}-${random.pick(WORDS.nouns)}-${String(i).padStart(4, '0')}`;
    const owner = LARGE_FLEET_GROUPS[i % LARGE_FLEET_GROUPS.length] as string;
    const path = join(dir, 'repos', `${name}.git`);
    const files = serviceFiles(name, owner, filesPerRepo, random, pool);
    const commit = writeBareRepository(path, files, `Initial commit of ${name}`);
    repos.push({ name, path, owner, commit });
    // Yield now and then: a caller's timers and I/O keep running during a long generation.
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  return { orgRepo, repos };
}

/**
 * Puts every repository of a fleet back to its generated state: `main` at the
 * generated commit and no other branch. Objects pushed since stay (unreferenced),
 * as they would on a code host. Lets a benchmark run several shifts from the same start.
 *
 * @example
 * resetLargeFleet(fleet);
 */
export function resetLargeFleet(fleet: LargeFleet): void {
  for (const repo of fleet.repos) {
    rmSync(join(repo.path, 'refs', 'heads'), { recursive: true, force: true });
    rmSync(join(repo.path, 'packed-refs'), { force: true });
    mkdirSync(join(repo.path, 'refs', 'heads'), { recursive: true });
    writeFileSync(join(repo.path, 'refs', 'heads', 'main'), `${repo.commit}\n`);
  }
}

// ---- repository content -------------------------------------------------------

function orgFiles(): Record<string, string> {
  const squads: Descriptor[] = LARGE_FLEET_GROUPS.map((name) => ({
    apiVersion: API_VERSION,
    kind: 'Group',
    metadata: { name, description: `Owns ${name.replace(/-squad$/, '')} services.` },
    spec: { type: 'team', parent: 'engineering', children: [] },
  }));
  const engineering: Descriptor = {
    apiVersion: API_VERSION,
    kind: 'Group',
    metadata: { name: 'engineering', description: 'Every engineering squad.' },
    spec: { type: 'department', children: [...LARGE_FLEET_GROUPS] },
  };
  return {
    'README.md': '# Organisation\n\nThe groups that own the services, as catalog descriptors.\n',
    'groups.yaml': toYamlDocuments([engineering, ...squads]),
  };
}

const RUNTIME_DEPENDENCIES: readonly [string, string][] = [
  ['express', '4.19.2'],
  ['zod', '3.23.8'],
  ['pino', '9.1.0'],
  ['pg', '8.11.5'],
  ['ioredis', '5.4.1'],
  ['undici', '6.18.2'],
  ['prom-client', '15.1.2'],
  ['dotenv', '16.4.5'],
  ['uuid', '9.0.1'],
  ['date-fns', '3.6.0'],
];
const DEV_DEPENDENCIES: readonly [string, string][] = [
  ['typescript', '5.4.5'],
  ['vitest', '1.6.0'],
  ['@types/node', '20.12.12'],
  ['tsx', '4.11.0'],
];

function serviceFiles(
  name: string,
  owner: string,
  filesPerRepo: number,
  random: Random,
  pool: readonly string[],
): Record<string, string> {
  const logLib = random.pick(VULNERABLE_LOG_LIB);
  const logLibEntry: [string, string] = [LOG_LIB_NAME, logLib];
  const runtime: [string, string][] = [logLibEntry, ...random.sample(RUNTIME_DEPENDENCIES, random.int(3, 7))].sort(
    ([a], [b]) => a.localeCompare(b),
  );
  const dev = [...DEV_DEPENDENCIES];
  const ranges = (deps: [string, string][]) => Object.fromEntries(deps.map(([n, v]) => [n, `^${v}`]));
  const packageJson = {
    name: `@cadence/${name}`,
    version: `1.${random.int(0, 40)}.${random.int(0, 9)}`,
    private: true,
    type: 'module',
    main: 'dist/index.js',
    scripts: { build: 'tsc -p .', start: 'node dist/index.js', test: 'vitest run', dev: 'tsx watch src/index.ts' },
    dependencies: ranges(runtime),
    devDependencies: ranges(dev),
    engines: { node: '>=20' },
  };
  const lockPackages: Record<string, unknown> = {
    '': {
      name: packageJson.name,
      version: packageJson.version,
      dependencies: packageJson.dependencies,
      devDependencies: packageJson.devDependencies,
    },
  };
  for (const [dep, version] of [...runtime, ...dev]) {
    lockPackages[`node_modules/${dep}`] = {
      version,
      resolved: `https://registry.npmjs.org/${dep}/-/${dep.replace(/^@[^/]+\//, '')}-${version}.tgz`,
      integrity: `sha512-${createHash('sha512').update(`${dep}@${version}`).digest('base64')}`,
      ...(dev.some(([d]) => d === dep) ? { dev: true } : {}),
      license: 'MIT',
    };
  }
  const packageLock = { name: packageJson.name, version: packageJson.version, lockfileVersion: 3, requires: true };
  const descriptor: Descriptor = {
    apiVersion: API_VERSION,
    kind: 'Component',
    metadata: {
      name,
      description: `The ${name.replace(/-\d+$/, '').replace(/-/g, ' ')} service.`,
      tags: ['typescript', 'node'],
      annotations: { 'github.com/project-slug': `cadence/${name}` },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
  const files: Record<string, string> = {
    'catalog-info.yaml': toYaml(descriptor),
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
    'package-lock.json': `${JSON.stringify({ ...packageLock, packages: lockPackages }, null, 2)}\n`,
    'README.md': `# ${name}\n\nOwned by ${owner}. Run \`npm install\`, then \`npm run dev\`.\n`,
    'tsconfig.json': `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, outDir: 'dist' }, include: ['src'] }, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\ncoverage/\n',
    Dockerfile: `FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n`,
    '.github/workflows/ci.yml':
      'name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n',
  };
  const modules = random.sample(WORDS.nouns, 8);
  for (let f = 0; f < filesPerRepo - FIXED_FILES; f++) {
    const module = modules[f % modules.length] as string;
    const isTest = f % 5 === 4;
    const path = isTest ? `test/${module}/${module}-${f}.test.ts` : `src/${module}/${module}-${f}.ts`;
    // A per-repository header makes every blob the repository's own, as in a real fleet.
    files[path] =
      `// ${name}: ${path}\nimport { logger } from '../../src/logger.js';\n\n${pool[random.int(0, pool.length - 1)]}`;
  }
  return files;
}

const VERBS = ['load', 'save', 'find', 'build', 'sync', 'parse', 'render', 'merge', 'check', 'publish', 'resolve'];
const FIELDS = ['id', 'name', 'owner', 'createdAt', 'updatedAt', 'status', 'region', 'tenant', 'version', 'score'];

/** Source-like bodies of 1.5 to 5 KB, shared by all repositories (each file adds its own header). */
function fillerPool(random: Random): string[] {
  const pool: string[] = [];
  for (let i = 0; i < 400; i++) {
    const target = random.int(1500, 5000);
    let text = '';
    while (text.length < target) {
      const noun = random.pick(WORDS.nouns);
      const type = noun[0]!.toUpperCase() + noun.slice(1);
      const verb = random.pick(VERBS);
      const fields = random.sample(FIELDS, random.int(2, 5));
      text +=
        `export interface ${type}${i} {\n${fields.map((f) => `  ${f}: string;\n`).join('')}}\n\n` +
        `/** ${verb[0]!.toUpperCase()}${verb.slice(1)}s a ${noun} and logs how long it took. */\n` +
        `export async function ${verb}${type}${i}(input: ${type}${i}): Promise<${type}${i}> {\n` +
        `  const started = Date.now();\n` +
        fields.map((f) => `  if (!input.${f}) throw new Error('${noun}.${f} is required');\n`).join('') +
        `  const result = { ...input, ${fields[0]}: input.${fields[0]}.trim() };\n` +
        `  logger.info({ ${noun}: result.${fields[0]}, ms: Date.now() - started }, '${verb} ${noun}');\n` +
        `  return result;\n}\n\n`;
    }
    pool.push(text);
  }
  return pool;
}

// ---- bare repository as one pack ------------------------------------------------

const OBJECT_TYPES = { commit: 1, tree: 2, blob: 3 } as const;

interface PackObject {
  id: Buffer;
  type: keyof typeof OBJECT_TYPES;
  body: Buffer;
}

function objectOf(type: PackObject['type'], body: Buffer): PackObject {
  const id = createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest();
  return { id, type, body };
}

interface TreeNode {
  files: Map<string, Buffer>;
  dirs: Map<string, TreeNode>;
}

function treeObjects(node: TreeNode, out: PackObject[]): Buffer {
  const entries: { sortKey: string; bytes: Buffer }[] = [];
  for (const [name, id] of node.files) {
    entries.push({ sortKey: name, bytes: Buffer.concat([Buffer.from(`100644 ${name}\0`), id]) });
  }
  for (const [name, child] of node.dirs) {
    // Git orders a directory as if its name ended in a slash.
    entries.push({
      sortKey: `${name}/`,
      bytes: Buffer.concat([Buffer.from(`40000 ${name}\0`), treeObjects(child, out)]),
    });
  }
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.sortKey), Buffer.from(b.sortKey)));
  const tree = objectOf('tree', Buffer.concat(entries.map((e) => e.bytes)));
  out.push(tree);
  return tree.id;
}

/**
 * Writes a bare repository whose `main` holds `files` in one commit, as one pack
 * (undeltified objects) and its version-2 index. Returns the commit id.
 */
function writeBareRepository(path: string, files: Record<string, string>, message: string): string {
  const objects: PackObject[] = [];
  const root: TreeNode = { files: new Map(), dirs: new Map() };
  for (const [file, content] of Object.entries(files)) {
    const blob = objectOf('blob', Buffer.from(content));
    objects.push(blob);
    const segments = file.split('/');
    let node = root;
    for (const segment of segments.slice(0, -1)) {
      let child = node.dirs.get(segment);
      if (!child) {
        child = { files: new Map(), dirs: new Map() };
        node.dirs.set(segment, child);
      }
      node = child;
    }
    node.files.set(segments[segments.length - 1]!, blob.id);
  }
  const tree = treeObjects(root, objects).toString('hex');
  const seconds = Math.floor(Date.parse(DEMO_COMMIT_DATE) / 1000);
  const who = `${DEMO_GIT_AUTHOR.name} <${DEMO_GIT_AUTHOR.email}> ${seconds} +0000`;
  const commit = objectOf('commit', Buffer.from(`tree ${tree}\nauthor ${who}\ncommitter ${who}\n\n${message}\n`));
  objects.push(commit);

  for (const sub of ['objects/pack', 'objects/info', 'refs/heads', 'refs/tags']) {
    mkdirSync(join(path, sub), { recursive: true });
  }
  writeFileSync(join(path, 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(path, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n');
  const { pack, index, name } = packAndIndex(objects);
  // Index after pack: git only looks for packs through their index.
  writeFileSync(join(path, 'objects', 'pack', `pack-${name}.pack`), pack);
  writeFileSync(join(path, 'objects', 'pack', `pack-${name}.idx`), index);
  const commitId = commit.id.toString('hex');
  writeFileSync(join(path, 'refs', 'heads', 'main'), `${commitId}\n`);
  return commitId;
}

/** The type-and-size header of a packed object: 3 type bits, then the size 4 + 7n bits at a time. */
function packedHeader(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (type << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

function packAndIndex(objects: PackObject[]): { pack: Buffer; index: Buffer; name: string } {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [header];
  let offset = header.length;
  const entries: { id: Buffer; offset: number; crc: number }[] = [];
  for (const object of objects) {
    const packed = Buffer.concat([
      packedHeader(OBJECT_TYPES[object.type], object.body.length),
      deflateSync(object.body),
    ]);
    entries.push({ id: object.id, offset, crc: crc32(packed) });
    parts.push(packed);
    offset += packed.length;
  }
  const body = Buffer.concat(parts);
  const checksum = createHash('sha1').update(body).digest();
  const pack = Buffer.concat([body, checksum]);

  entries.sort((a, b) => Buffer.compare(a.id, b.id));
  const fanout = Buffer.alloc(256 * 4);
  const counts = new Array<number>(256).fill(0);
  for (const e of entries) counts[e.id[0]!]! += 1;
  let total = 0;
  for (let i = 0; i < 256; i++) {
    total += counts[i]!;
    fanout.writeUInt32BE(total, i * 4);
  }
  const crcs = Buffer.alloc(entries.length * 4);
  const offsets = Buffer.alloc(entries.length * 4);
  entries.forEach((e, i) => {
    crcs.writeUInt32BE(e.crc >>> 0, i * 4);
    // A pack of one repository stays far below 2 GiB, so every offset fits the 31-bit table.
    offsets.writeUInt32BE(e.offset, i * 4);
  });
  const indexBody = Buffer.concat([
    Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]),
    fanout,
    ...entries.map((e) => e.id),
    crcs,
    offsets,
    checksum,
  ]);
  const index = Buffer.concat([indexBody, createHash('sha1').update(indexBody).digest()]);
  return { pack, index, name: checksum.toString('hex') };
}
