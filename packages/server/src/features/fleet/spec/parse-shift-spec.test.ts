import { describe, expect, it } from 'vitest';
import { parseShiftSpec, type SpecProblem } from './parse-shift-spec.js';

const MINIMAL = `apiVersion: backbeat.dev/v1
kind: Shift
metadata:
  name: bump-log-lib
  owner: platform-squad
spec:
  steps:
    - type: bump-dependency
      dependency: log-lib
      to: 2.17.1
  change:
    title: Bump log-lib to 2.17.1
`;

function problemsOf(text: string): SpecProblem[] {
  const result = parseShiftSpec(text, { file: 'shift.yaml' });
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('parseShiftSpec', () => {
  it('fills every default and normalises the owner', () => {
    const result = parseShiftSpec(MINIMAL);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.spec.metadata.owner).toBe('group:default/platform-squad');
    expect(result.spec.spec.targets).toEqual({ filter: { kind: ['component'] }, include: [], exclude: [] });
    expect(result.spec.spec.change).toEqual({
      title: 'Bump log-lib to 2.17.1',
      body: '',
      branch: 'backbeat/bump-log-lib',
      commitMessage: 'Bump log-lib to 2.17.1',
      author: { name: 'Backbeat', email: 'fleet@backbeat.invalid' },
      labels: [],
    });
    expect(result.spec.spec.rollout).toEqual({ canary: [], concurrency: 4 });
    expect(result.spec.spec.automerge).toEqual({
      enabled: false,
      requireChecks: true,
      requireApproval: false,
      method: 'squash',
    });
  });

  it('reads a full spec with every step type', () => {
    const text = `apiVersion: backbeat.dev/v1
kind: Shift
metadata:
  name: full
  description: Everything at once
  owner: group:default/platform-squad
spec:
  targets:
    filter:
      kind: [Component]
      type: [service]
      owner: [playback-squad]
      tag: [node]
    dependency: { name: log-lib, below: 2.17.1 }
    include: [component:default/extra]
    exclude: [legacy-api]
  steps:
    - type: bump-dependency
      dependency: log-lib
      to: 2.17.1
    - type: set-value
      file: deploy/service.yaml
      path: spec.replicas
      value: 3
    - type: delete-value
      file: package.json
      path: scripts.legacy
    - type: replace
      files: "src/**/*.ts"
      pattern: "oldLogger\\\\("
      replacement: "newLogger("
      flags: i
    - type: command
      run: npx prettier --write .
      env: { CI: "1" }
  change:
    title: "Bump {{ shift.name }} in {{ entity.metadata.name }}"
    labels: [security, "{{ owner }}"]
  rollout:
    canaryPercent: 10
    publishPerHour: 30
    concurrency: 2
    publishWindow: { days: [mon, tue], start: "09:00", end: "17:00", timezone: Europe/Stockholm }
  automerge:
    enabled: true
    method: rebase
    minHealthLevel: silver
`;
    const result = parseShiftSpec(text);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { spec } = result.spec;
    expect(spec.targets.filter).toEqual({
      kind: ['component'],
      type: ['service'],
      owner: ['group:default/playback-squad'],
      tag: ['node'],
    });
    expect(spec.targets.include).toEqual(['component:default/extra']);
    expect(spec.targets.exclude).toEqual(['component:default/legacy-api']);
    expect(spec.steps.map((s) => s.type)).toEqual([
      'bump-dependency',
      'set-value',
      'delete-value',
      'replace',
      'command',
    ]);
    expect(spec.steps[4]).toEqual({
      type: 'command',
      run: 'npx prettier --write .',
      env: { CI: '1' },
      timeoutSeconds: 300,
    });
    expect(spec.rollout.publishWindow).toEqual({
      days: ['mon', 'tue'],
      start: '09:00',
      end: '17:00',
      timezone: 'Europe/Stockholm',
    });
    expect(spec.automerge).toMatchObject({
      enabled: true,
      method: 'rebase',
      requireChecks: true,
      minHealthLevel: 'silver',
    });
  });

  it('reports an unknown key with its line, so a typo is never ignored', () => {
    const problems = problemsOf(MINIMAL.replace('  change:\n', '  chnage:\n    x: 1\n  change:\n'));
    expect(problems).toEqual([
      { file: 'shift.yaml', line: 11, column: 3, field: 'spec.chnage', message: 'unknown field' },
    ]);
  });

  it('reports several problems at once, each with its field and line', () => {
    const text = `apiVersion: backbeat.dev/v2
kind: Shift
metadata:
  name: Bad_Name
  owner: user:default/jane
spec:
  steps:
    - type: bump-dependency
      dependency: log-lib
      to: ^2.17.1
    - type: replace
      files: "**/*.ts"
      pattern: "(unclosed"
      replacement: x
    - type: set-value
      file: ../outside.yaml
      path: a..b
      value: 1
    - type: delete-value
      file: .git/config.yaml
      path: core.bare
  change:
    title: x
  rollout:
    publishPerHour: 0
    canaryPercent: 101
    mergeWindow: { days: [monday], start: "9:00", end: "25:00" }
`;
    const byField = Object.fromEntries(problemsOf(text).map((p) => [p.field, p]));
    expect(byField.apiVersion).toMatchObject({ line: 1, message: 'must be backbeat.dev/v1' });
    expect(byField['metadata.name']).toMatchObject({ line: 4 });
    expect(byField['metadata.owner']).toMatchObject({
      line: 5,
      message: expect.stringContaining('must refer to a group'),
    });
    expect(byField['spec.steps[0].to']).toMatchObject({ line: 10 });
    expect(byField['spec.steps[1].pattern']).toMatchObject({
      line: 13,
      message: expect.stringContaining('does not compile'),
    });
    expect(byField['spec.steps[2].file']).toMatchObject({ line: 16, message: 'path must not contain ".." segments' });
    expect(byField['spec.steps[2].path']).toMatchObject({ line: 17 });
    expect(byField['spec.steps[3].file']).toMatchObject({ line: 20, message: 'path must not point into .git' });
    expect(byField['spec.rollout.publishPerHour']).toMatchObject({ line: 25 });
    expect(byField['spec.rollout.canaryPercent']).toMatchObject({ line: 26 });
    expect(byField['spec.rollout.mergeWindow.days[0]']).toMatchObject({ line: 27 });
    expect(byField['spec.rollout.mergeWindow.start']).toMatchObject({ message: 'must be HH:MM (00:00 to 23:59)' });
    expect(byField['spec.rollout.mergeWindow.end']).toBeDefined();
    expect(Object.keys(byField)).toHaveLength(13);
    const notData = problemsOf(text.replace('.git/config.yaml', 'notes.txt'));
    expect(notData.find((p) => p.field === 'spec.steps[3].file')).toMatchObject({
      line: 20,
      message: 'must be a .yaml, .yml or .json file',
    });
  });

  it('names a missing field at its parent line', () => {
    const problems = problemsOf(MINIMAL.replace('      to: 2.17.1\n', ''));
    expect(problems).toEqual([
      { file: 'shift.yaml', line: 8, column: 7, field: 'spec.steps[0].to', message: 'is required' },
    ]);
  });

  it('requires a value for set-value, while null is a value', () => {
    const step = '    - type: set-value\n      file: a.yaml\n      path: a\n';
    const missing = problemsOf(MINIMAL.replace('  change:\n', `${step}  change:\n`));
    expect(missing.map((p) => [p.field, p.message])).toEqual([['spec.steps[1].value', 'is required']]);
    const result = parseShiftSpec(MINIMAL.replace('  change:\n', `${step}      value: null\n  change:\n`));
    expect(result.ok && result.spec.spec.steps[1]).toEqual({
      type: 'set-value',
      file: 'a.yaml',
      path: 'a',
      value: null,
    });
  });

  it('explains an unknown step type', () => {
    const problems = problemsOf(MINIMAL.replace('type: bump-dependency', 'type: bump'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      field: 'spec.steps[0].type',
      line: 8,
      message: expect.stringContaining('unknown step type'),
    });
  });

  it('rejects a broken change template before anything runs', () => {
    const problems = problemsOf(
      `${MINIMAL}    body: "{{ entity.metadata.name | no_such_filter }}"\n    branch: "fix it"\n`,
    );
    expect(problems.map((p) => [p.field, p.line])).toEqual([
      ['spec.change.body', 13],
      ['spec.change.branch', 14],
    ]);
    expect(problems[0]!.message).toContain('no_such_filter');
    expect(problems[1]!.message).toContain('not a valid branch name');
  });

  it('reports YAML syntax errors with a position', () => {
    const problems = problemsOf('apiVersion: backbeat.dev/v1\nkind: [Shift\nmetadata: {}\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: 'shift.yaml', field: '' });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('rejects documents that are not a mapping, and several documents', () => {
    expect(problemsOf('- a\n- b\n')[0]!.message).toBe('a shift must be a YAML mapping');
    expect(problemsOf(`${MINIMAL}---\n${MINIMAL}`)[0]!.field).toBe('');
  });

  it('rejects canary and canaryPercent together, and too long names', () => {
    const text = MINIMAL.replace('bump-log-lib', 'a'.repeat(64)).concat(
      '  rollout:\n    canary: [a]\n    canaryPercent: 5\n',
    );
    expect(problemsOf(text).map((p) => p.field)).toEqual(['metadata.name', 'spec.rollout.canaryPercent']);
  });
});
