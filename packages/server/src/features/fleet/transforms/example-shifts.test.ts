import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoOrg, createRepository, DEPLOYMENT_FILE, planFleet, repoFiles, runGit } from '@backbeat/demo-fleet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_PATHS, matchDependency, readDeclaredDependencies } from '../../../platform/manifests/index.js';
import type { ShiftSpec } from '../model/shift-spec.js';
import { parseShiftSpec, renderChangeTemplate } from '../spec/index.js';
import { applyBuiltinStep, diskFiles } from './index.js';

const EXAMPLES = fileURLToPath(new URL('../../../../../../examples/shifts/', import.meta.url));
const plans = planFleet(buildDemoOrg({ size: 40, seed: 3 }), { size: 40, seed: 3 });

function example(name: string): ShiftSpec {
  const result = parseShiftSpec(readFileSync(join(EXAMPLES, name), 'utf8'), { file: name });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.spec;
}

function manifests(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of MANIFEST_PATHS) {
    try {
      files.set(path, readFileSync(join(dir, path), 'utf8'));
    } catch {
      // Absent manifests are simply not read.
    }
  }
  return files;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backbeat-examples-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the example shifts on the demo fleet', () => {
  it('every example parses', () => {
    const names = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(parseShiftSpec(readFileSync(join(EXAMPLES, name), 'utf8')).ok).toBe(true);
  });

  it('bump-log-lib targets a vulnerable Node service, fixes it, and then no longer targets it', async () => {
    const spec = example('bump-log-lib.yaml');
    const plan = plans.find((p) => p.kind === 'node-service' && p.versions.logLib === '2.14.1')!;
    const repo = join(dir, plan.name);
    await createRepository(repo, repoFiles(plan), 'Initial commit');
    const condition = spec.spec.targets.dependency!;
    expect(matchDependency(readDeclaredDependencies(manifests(repo)).dependencies, condition).matched).toBe(true);
    for (const step of spec.spec.steps) if (step.type !== 'command') await applyBuiltinStep(step, diskFiles(repo));
    const after = readDeclaredDependencies(manifests(repo)).dependencies;
    expect(matchDependency(after, condition).matched).toBe(false);
    expect(matchDependency(after, { name: condition.name })).toMatchObject({ matched: true, version: '2.17.1' });
    const change = renderChangeTemplate(spec.spec.change, {
      shift: { name: spec.metadata.name, owner: spec.metadata.owner },
      entity: { metadata: { name: plan.name } },
      owner: `group:default/${plan.owner}`,
      repository: repo,
    });
    expect(change.title).toBe(`Upgrade log-lib to 2.17.1 in ${plan.name}`);
    expect(change.branch).toBe('backbeat/bump-log-lib');
  });

  it('deployment-memory-limit changes exactly one line of the deployment', async () => {
    const spec = example('deployment-memory-limit.yaml');
    const plan = plans.find((p) => p.kind === 'node-service')!;
    const repo = join(dir, plan.name);
    await createRepository(repo, repoFiles(plan), 'Initial commit');
    for (const step of spec.spec.steps) if (step.type !== 'command') await applyBuiltinStep(step, diskFiles(repo));
    const diff = await runGit(repo, ['diff', '--unified=0', '--no-color']);
    const changed = diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
    expect(changed).toEqual([
      expect.stringMatching(/^-\s+memory: 512Mi$/),
      expect.stringMatching(/^\+\s+memory: 768Mi$/),
    ]);
    expect(diff).toContain(DEPLOYMENT_FILE);
  });
});
