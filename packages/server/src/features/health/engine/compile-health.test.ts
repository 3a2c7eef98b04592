import { describe, expect, it } from 'vitest';
import { parseHealthDefinitions } from '../spec/parse-definitions.js';
import { compileSemverRange } from '../spec/semver-range.js';
import { compileHealth } from './compile-health.js';

const DEFS = `apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: readme }
spec:
  applies: { kind: Component }
  rule: { fact: repository.files.readme, equals: true }
  fix: Add a README.
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: patched }
spec:
  rule:
    fact: repository.dependencies
    count:
      where:
        all:
          - { fact: name, in: [log-lib] }
          - not: { fact: version, semver: '>=2.17.1' }
      equals: 0
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: services-have-runbook }
spec:
  applies: { type: service, tag: [java, node] }
  rule:
    any:
      - { fact: catalog.runbook, equals: true }
      - { fact: 'catalog.annotations["pagerduty.com/service-id"]', matches: '^P[A-Z0-9]+$' }
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: big-enough }
spec:
  rule: { fact: repository.fileCount, gte: 3 }
---
apiVersion: backbeat.dev/v1
kind: Check
metadata: { name: dr-tested }
spec:
  manual: { expiresAfterDays: 10 }
---
apiVersion: backbeat.dev/v1
kind: Track
metadata: { name: golden }
spec:
  levels:
    - { name: bronze, checks: [readme, services-have-runbook] }
    - { name: silver, checks: [patched] }
    - { name: gold, checks: [big-enough, dr-tested] }
`;

function health() {
  const { definitions, problems } = parseHealthDefinitions(DEFS);
  expect(problems).toEqual([]);
  return compileHealth(definitions);
}

const service = { kind: 'Component', type: 'service', lifecycle: 'production', tags: ['node'] };
const now = '2026-12-01T00:00:00.000Z';

describe('compileHealth', () => {
  it('evaluates every operator and certifies the highest level passed with all below it', () => {
    const facts = {
      repository: {
        files: { readme: true },
        fileCount: 2,
        dependencies: [
          { name: 'log-lib', version: '2.17.2' },
          { name: 'express', version: '4.18.2' },
        ],
      },
      catalog: { runbook: false, annotations: { 'pagerduty.com/service-id': 'PX12' } },
    };
    const { results, certifications } = health().evaluate({ entity: service, facts, now });
    expect(Object.fromEntries(results.map((r) => [r.check, r.status]))).toEqual({
      readme: 'passed',
      patched: 'passed',
      'services-have-runbook': 'passed',
      'big-enough': 'failed',
      'dr-tested': 'failed',
    });
    expect(certifications).toEqual([expect.objectContaining({ track: 'golden', level: 'silver', rank: 2 })]);
    expect(results.find((r) => r.check === 'big-enough')?.message).toBe('Expected repository.fileCount is at least 3.');
  });

  it('fails a vulnerable version, treats filters as not-applicable, and never skips a failed lower level', () => {
    const facts = {
      repository: { files: { readme: false }, fileCount: 10, dependencies: [{ name: 'log-lib', version: '^2.14.1' }] },
      catalog: { runbook: false },
    };
    const website = { kind: 'Component', type: 'website', tags: [] };
    const { results, certifications } = health().evaluate({ entity: website, facts, now });
    const status = Object.fromEntries(results.map((r) => [r.check, r.status]));
    expect(status).toMatchObject({ readme: 'failed', patched: 'failed', 'services-have-runbook': 'not-applicable' });
    expect(results.find((r) => r.check === 'readme')?.fix).toBe('Add a README.');
    expect(certifications[0]).toMatchObject({ level: null, rank: 0 });
    expect(certifications[0]?.levels.map((l) => l.passed)).toEqual([false, false, false]);
  });

  it('uses attestations until they expire, and explains facts that could not be collected', () => {
    const h = health();
    const attestations = new Map([
      [
        'dr-tested',
        { status: 'passed' as const, by: 'user:default/jane', at: now, expiresAt: '2026-12-11T00:00:00.000Z' },
      ],
    ]);
    const facts = {
      repository: { files: { readme: true }, fileCount: 5, dependencies: [] },
      catalog: { runbook: true },
    };
    expect(h.evaluate({ entity: service, facts, attestations, now }).certifications[0]?.level).toBe('gold');
    const later = h.evaluate({ entity: service, facts, attestations, now: '2026-12-12T00:00:00.000Z' });
    expect(later.certifications[0]?.level).toBe('silver');
    expect(later.results.find((r) => r.check === 'dr-tested')?.message).toMatch(/expired on 2026-12-11/);
    const broken = h.evaluate({
      entity: service,
      facts: { catalog: { runbook: true } },
      factErrors: { repository: 'no such repository' },
      now,
    });
    expect(broken.results.find((r) => r.check === 'readme')?.message).toBe(
      'Facts from the repository collector could not be collected: no such repository',
    );
  });
});

describe('compileSemverRange', () => {
  it.each([
    ['>=2.17.1', '2.17.1', true],
    ['>=2.17.1', '2.17.0', false],
    ['>=2.17.1 <3', '3.0.0', false],
    ['^2.14.0', '2.99.1', true],
    ['^2.14.0', '3.0.0-rc1', false],
    ['^0.2.3', '0.3.0', false],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['1.x || >=3', '1.9.0', true],
    ['1.x || >=3', '2.0.0', false],
    ['1.2 - 2.3', '2.3.9', true],
    ['1.2 - 2.3', '2.4.0', false],
    ['>2.1', '2.1.5', false],
    ['*', '0.0.1', true],
    ['>=1', 'latest', false],
  ])('%s contains %s: %s', (range, version, expected) => {
    expect(compileSemverRange(range)(version)).toBe(expected);
  });

  it('rejects what is not a range', () => {
    expect(() => compileSemverRange('>=banana')).toThrow(/"banana" in ">=banana" is not a version/);
  });
});
