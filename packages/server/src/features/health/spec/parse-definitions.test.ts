import { describe, expect, it } from 'vitest';
import { parseHealthDefinitions } from './parse-definitions.js';

const CHECK = `apiVersion: backbeat.dev/v1
kind: Check
metadata:
  name: has-readme
spec:
  applies: { kind: Component, lifecycle: [production] }
  rule: { fact: repository.files.readme, equals: true }
  fix: Add a README.md.
`;

describe('parseHealthDefinitions', () => {
  it('reads checks, tracks and campaigns from one multi-document file, with defaults', () => {
    const text = `${CHECK}---
apiVersion: backbeat.dev/v1
kind: Track
metadata: { name: golden }
spec:
  levels:
    - { name: bronze, checks: [has-readme] }
    - { name: silver, title: Silver!, checks: [has-readme] }
---
apiVersion: backbeat.dev/v1
kind: Campaign
metadata: { name: docs-push }
spec: { checks: [has-readme], deadline: '2027-01-31' }
`;
    const { definitions, problems } = parseHealthDefinitions(text, { file: 'health.yaml' });
    expect(problems).toEqual([]);
    expect(definitions.map((d) => `${d.kind}/${d.spec.name}`)).toEqual([
      'Check/has-readme',
      'Track/golden',
      'Campaign/docs-push',
    ]);
    expect(definitions[0]).toEqual({
      kind: 'Check',
      spec: {
        name: 'has-readme',
        title: 'Has Readme',
        applies: { kind: ['Component'], lifecycle: ['production'] },
        rule: { fact: 'repository.files.readme', equals: true },
        message: {},
        fix: 'Add a README.md.',
      },
    });
    expect(definitions[1]?.kind === 'Track' && definitions[1].spec.levels.map((l) => l.title)).toEqual([
      'Bronze',
      'Silver!',
    ]);
  });

  it('names file, line and field of each problem, and keeps the valid documents', () => {
    const text = `${CHECK}---
apiVersion: backbeat.dev/v1
kind: Check
metadata:
  name: Bad_Name
spec:
  rule:
    all:
      - { fact: repository.files.ci, equals: true }
      - { fact: catalog.lifecycle, semver: 'not a range' }
      - { fact: 'a..b', exists: yes }
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: two-ops }
spec:
  rule: { fact: x, equals: 1, gt: 0 }
---
kind: Widget
`;
    const { definitions, problems } = parseHealthDefinitions(text, { file: 'checks.yaml' });
    expect(definitions.map((d) => d.spec.name)).toEqual(['has-readme']);
    const summary = problems.map((p) => `${p.file}:${p.line} #${p.document} ${p.field}: ${p.message}`);
    expect(summary).toContain('checks.yaml:13 #1 metadata.name: must be lowercase words joined by "-"');
    expect(summary).toContain('checks.yaml:18 #1 spec.rule.all[1].semver: "not" in "not a range" is not a version');
    expect(summary).toContain('checks.yaml:19 #1 spec.rule.all[2].fact: fact path has an empty key at character 3');
    expect(summary).toContain('checks.yaml:19 #1 spec.rule.all[2].exists: must be true or false');
    expect(summary.some((s) => s.startsWith('checks.yaml:25 #2 spec.rule: has equals and gt'))).toBe(true);
    expect(summary).toContain('checks.yaml:27 #3 kind: must be one of Check, Track, Campaign');
  });

  it('reports YAML syntax errors with their line, and unknown fields', () => {
    const bad = parseHealthDefinitions('apiVersion: backbeat.dev/v1\nkind: Check\nmetadata: [unclosed\n', {
      file: 'x.yaml',
    });
    expect(bad.definitions).toEqual([]);
    expect(bad.problems[0]).toMatchObject({ file: 'x.yaml', field: '' });
    expect(bad.problems[0]?.line).toBeGreaterThanOrEqual(3);
    const typo = parseHealthDefinitions(CHECK.replace('fix:', 'fixx:'));
    expect(typo.problems).toEqual([expect.objectContaining({ field: 'spec.fixx', message: 'unknown field', line: 8 })]);
  });

  it('validates count, manual checks and track levels', () => {
    const text = `apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: counted }
spec:
  rule: { fact: repository.dependencies, count: { where: { fact: name, equals: log-lib }, at-least: 1 } }
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: both }
spec:
  manual: true
  rule: { fact: x, exists: true }
---
apiVersion: backbeat.dev/v1
kind: Track
metadata: { name: t }
spec:
  levels:
    - { name: bronze, checks: [a] }
    - { name: bronze, checks: [] }
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: attested }
spec:
  manual: { expiresAfterDays: 30 }
`;
    const { definitions, problems } = parseHealthDefinitions(text);
    expect(definitions).toEqual([
      expect.objectContaining({
        kind: 'Check',
        spec: expect.objectContaining({ name: 'attested', manual: { expiresAfterDays: 30 } }),
      }),
    ]);
    const fields = problems.map((p) => `${p.field}: ${p.message}`);
    expect(fields).toContain('spec.rule.count.at-least: unknown field; use where, equals, gt, gte, lt, lte');
    expect(fields).toContain('spec: a check has either a rule or manual, not both');
    expect(fields).toContain('spec.levels[1].checks: a level needs at least one check');
  });
});
