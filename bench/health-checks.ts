/**
 * Tech-health evaluation speed: 50 checks (every operator, all/any/not, count with
 * a nested rule, semver ranges) and one 3-level track over 10,000 components whose
 * facts are already collected. Timed end to end through the store (read every
 * entity's facts, evaluate, write every result and certification) on SQLite and
 * PostgreSQL, then again with nothing changed. Baselines in the same run: the same
 * evaluation in memory with the compiled closures, and with a naive interpreter
 * that walks the rule tree and parses fact paths for every entity.
 *
 *   npm run bench -- health-checks                 # 10,000 components, both engines
 *   npm run bench -- health-checks --components 2000 --sqlite --no-record
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entity } from '../packages/server/src/features/catalog/index.js';
import { compileHealth } from '../packages/server/src/features/health/engine/compile-health.js';
import { evaluateEntities, shapeOf } from '../packages/server/src/features/health/engine/evaluate-entities.js';
import { healthMigrations } from '../packages/server/src/features/health/migrations.js';
import type { Rule } from '../packages/server/src/features/health/model/definitions.js';
import { compileFactGetter, parseFactPath } from '../packages/server/src/features/health/spec/fact-path.js';
import { parseHealthDefinitions } from '../packages/server/src/features/health/spec/parse-definitions.js';
import { compileSemverRange } from '../packages/server/src/features/health/spec/semver-range.js';
import { createHealthStore, type FactOutcome } from '../packages/server/src/features/health/store/health-store.js';
import { openDatabase } from '../packages/server/src/platform/db/database.js';
import { migrateToLatest } from '../packages/server/src/platform/db/migrations.js';
import { readArgs } from './support/args.js';
import { freshPostgresDatabase, postgresReachable } from './support/postgres.js';
import { report, type Table } from './support/results.js';
import { ms, ratio } from './support/stats.js';

const args = readArgs();
const count = Number(args.value('components') ?? 10_000);
const engines = args.has('sqlite') ? ['sqlite'] : args.has('pg') ? ['postgres'] : ['sqlite', 'postgres'];

/** 50 checks: 10 of each shape, over the facts the collectors produce. */
function definitionsYaml(): string {
  const docs: string[] = [];
  const check = (name: string, rule: string, applies = '{ kind: Component }') =>
    docs.push(
      `apiVersion: backbeat.dev/v1\nkind: Check\nmetadata: { name: ${name} }\nspec:\n  applies: ${applies}\n  rule: ${rule}\n  fix: Fix ${name}.`,
    );
  const files = ['readme', 'codeowners', 'tests', 'ci', 'dockerfile', 'docs'];
  for (let i = 0; i < 10; i++)
    check(`file-${i}`, `{ fact: repository.files.${files[i % files.length]}, equals: true }`);
  for (let i = 0; i < 10; i++)
    check(
      `dep-${i}`,
      `{ fact: repository.dependencies, count: { where: { all: [ { fact: name, equals: lib-${i} }, { not: { fact: version, semver: '>=2.${i}.0 <3' } } ] }, equals: 0 } }`,
    );
  for (let i = 0; i < 10; i++)
    check(
      `cat-${i}`,
      `{ any: [ { fact: catalog.owner.valid, equals: true }, { fact: catalog.system, exists: true } ] }`,
      `{ kind: Component, lifecycle: [production, experimental] }`,
    );
  for (let i = 0; i < 10; i++) check(`num-${i}`, `{ fact: repository.fileCount, gte: ${i * 10} }`);
  for (let i = 0; i < 10; i++)
    check(
      `str-${i}`,
      `{ all: [ { fact: repository.language, in: [TypeScript, Java, Go] }, { fact: catalog.lifecycle, matches: '^(production|experimental)$' } ] }`,
    );
  docs.push(`apiVersion: backbeat.dev/v1
kind: Track
metadata: { name: golden }
spec:
  levels:
    - { name: bronze, checks: [file-0, file-1, cat-0, num-1] }
    - { name: silver, checks: [file-2, dep-0, dep-1, str-0] }
    - { name: gold, checks: [file-4, dep-2, num-5] }`);
  return docs.join('\n---\n');
}

function entityOf(i: number): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${String(i).padStart(5, '0')}`,
      namespace: 'default',
      tags: i % 3 === 0 ? ['java'] : ['node'],
    },
    spec: {
      type: 'service',
      lifecycle: ['production', 'experimental', 'deprecated'][i % 3],
      owner: `group:default/squad-${i % 200}`,
    },
    relations: [{ type: 'ownedBy', targetRef: `group:default/squad-${i % 200}` }],
  };
}

function factsOf(i: number) {
  const bit = (n: number) => (i >> n) % 2 === 1;
  return {
    repository: {
      head: `${i}`.padStart(40, '0'),
      fileCount: (i * 7) % 120,
      files: { readme: bit(0), codeowners: bit(1), tests: bit(2), ci: !bit(3), dockerfile: bit(4), docs: bit(5) },
      language: ['TypeScript', 'Java', 'Go', 'Python'][i % 4],
      dependencies: Array.from({ length: 12 }, (_, d) => ({
        ecosystem: 'npm',
        name: `lib-${d}`,
        version: `${1 + ((i + d) % 3)}.${(i * d) % 12}.${d}`,
        file: 'package-lock.json',
      })),
    },
    catalog: {
      owner: { ref: `group:default/squad-${i % 200}`, present: true, valid: i % 17 !== 0 },
      system: i % 5 === 0 ? null : 'shop',
      lifecycle: ['production', 'experimental', 'deprecated'][i % 3],
    },
  };
}

/** The naive baseline: walk the rule tree, parse every fact path, per entity. */
function interpret(rule: Rule, facts: unknown): boolean {
  if ('all' in rule) return rule.all.every((r) => interpret(r, facts));
  if ('any' in rule) return rule.any.some((r) => interpret(r, facts));
  if ('not' in rule) return !interpret(rule.not, facts);
  const value = compileFactGetter(parseFactPath(rule.fact) as string[])(facts);
  if ('exists' in rule) return (value !== undefined && value !== null) === rule.exists;
  if ('equals' in rule) return JSON.stringify(value) === JSON.stringify(rule.equals);
  if ('in' in rule) return rule.in.some((v) => JSON.stringify(v) === JSON.stringify(value));
  if ('matches' in rule) return typeof value === 'string' && new RegExp(rule.matches).test(value);
  if ('semver' in rule) return typeof value === 'string' && compileSemverRange(rule.semver)(value);
  if ('count' in rule) {
    const items = Array.isArray(value) ? value : [];
    const n = rule.count.where
      ? items.filter((item) => interpret(rule.count.where as Rule, item)).length
      : items.length;
    return rule.count.equals === undefined || n === rule.count.equals;
  }
  if ('gte' in rule) return typeof value === 'number' && value >= rule.gte;
  return false;
}

async function main(): Promise<void> {
  const parsed = parseHealthDefinitions(definitionsYaml());
  if (parsed.problems.length > 0) throw new Error(JSON.stringify(parsed.problems));
  const health = compileHealth(parsed.definitions);
  const checks = parsed.definitions.filter((d) => d.kind === 'Check');
  console.log(`${checks.length} checks, ${count.toLocaleString('en-US')} components; load ${loadavg()[0]!.toFixed(1)}`);
  const entities = Array.from({ length: count }, (_, i) => entityOf(i));
  const facts = entities.map((_, i) => factsOf(i));
  const now = new Date().toISOString();

  let start = performance.now();
  for (let i = 0; i < count; i++) health.evaluate({ entity: shapeOf(entities[i]!), facts: facts[i]!, now });
  const compiledMs = performance.now() - start;
  start = performance.now();
  for (let i = 0; i < count; i++)
    for (const c of checks) if (c.kind === 'Check' && c.spec.rule) interpret(c.spec.rule, facts[i]);
  const naiveMs = performance.now() - start;

  const rows: string[][] = [
    ['baseline: naive interpreter, in memory', ms(naiveMs), '', ''],
    ['compiled closures, in memory', ms(compiledMs), ratio(compiledMs, naiveMs), ''],
  ];
  for (const engine of engines) {
    if (engine === 'postgres' && !(await postgresReachable())) {
      console.log('PostgreSQL not reachable; skipped');
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), 'backbeat-bench-health-'));
    const pg = engine === 'postgres' ? await freshPostgresDatabase('health') : undefined;
    const database = await openDatabase(pg ? { connectionString: pg.url } : { sqliteFile: join(dir, 'bench.sqlite') });
    try {
      await migrateToLatest(database.db, healthMigrations);
      const store = createHealthStore(database);
      const outcomes: FactOutcome[] = [];
      entities.forEach((e, i) => {
        const ref = `component:default/${e.metadata.name}`;
        for (const [collector, f] of Object.entries(facts[i]!)) {
          const json = JSON.stringify(f);
          outcomes.push({
            entityRef: ref,
            collector,
            version: 1,
            fingerprint: null,
            at: now,
            facts: { json, hash: `${i}`, changed: true },
          });
        }
      });
      await store.saveFactOutcomes(outcomes);
      start = performance.now();
      const first = await evaluateEntities({ entities, health, store, now, all: true });
      const firstMs = performance.now() - start;
      start = performance.now();
      const second = await evaluateEntities({ entities, health, store, now, all: true });
      const secondMs = performance.now() - start;
      if (first.changed !== count || second.changed !== 0)
        throw new Error(`unexpected: ${JSON.stringify({ first, second })}`);
      rows.push([
        `${engine}: read facts, evaluate, write all`,
        ms(firstMs),
        ratio(firstMs, naiveMs),
        firstMs <= 10_000 ? 'yes' : 'NO',
      ]);
      rows.push([
        `${engine}: again, nothing changed`,
        ms(secondMs),
        ratio(secondMs, naiveMs),
        secondMs <= 10_000 ? 'yes' : 'NO',
      ]);
    } finally {
      await database.close();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const table: Table = {
    title: `${checks.length} checks and a 3-level track over ${count.toLocaleString('en-US')} components`,
    columns: ['run', 'time', 'vs naive', '≤ 10 s'],
    rows,
  };
  report({
    name: 'health-checks',
    command: args.command,
    tables: [table],
    notes: [
      'Facts are stored first (as the collectors would leave them); the timed run reads them all, evaluates every check and track, and writes every entity state, status history and certification history row.',
      'Nothing changed = the same evaluation again: every result is compared by hash and nothing is written.',
    ],
    record: !args.has('no-record'),
  });
}

await main();
