import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRadar } from './parse-radar.js';

const HEADER = `apiVersion: backbeat.dev/v1
kind: Radar
metadata:
  name: golden-tech
spec:
  quadrants:
    - { id: frameworks, name: Frameworks }
    - { id: libraries, name: Libraries }
    - { id: tools, name: Tools }
    - { id: data, name: Data }
  entries:
`;

describe('parseRadar', () => {
  it('reads a valid radar with defaults, single matchers and version rules', () => {
    const result = parseRadar(
      `${HEADER}    - id: express
      name: Express
      quadrant: frameworks
      ring: adopt
      match: { ecosystem: npm, name: express }
      versions:
        - { ring: hold, below: 4 }
`,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.problems).toEqual([]);
    expect(result.radar.title).toBe('golden-tech');
    expect(result.radar.entries).toEqual([
      {
        id: 'express',
        name: 'Express',
        quadrant: 'frameworks',
        ring: 'adopt',
        description: '',
        links: [],
        match: [{ ecosystem: 'npm', name: 'express' }],
        versions: [{ ring: 'hold', below: '4' }],
      },
    ]);
  });

  it('keeps the valid entries and names file, line and field of each bad one', () => {
    const result = parseRadar(
      `${HEADER}    - id: good
      name: Good
      quadrant: tools
      ring: trial
      match: { name: good }
    - id: bad-ring
      name: Bad ring
      quadrant: tools
      ring: maybe
      match: { name: x }
    - id: bad-quadrant
      name: Bad quadrant
      quadrant: nowhere
      ring: hold
      match: { pattern: "x-*" }
      colour: red
`,
      { file: 'radar.yaml' },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.radar.entries.map((e) => e.id)).toEqual(['good']);
    expect(result.rejectedEntryIds.sort()).toEqual(['bad-quadrant', 'bad-ring']);
    expect(result.problems).toContainEqual(
      expect.objectContaining({ file: 'radar.yaml', line: 20, field: 'spec.entries[1].ring', entryId: 'bad-ring' }),
    );
    expect(result.problems).toContainEqual(
      expect.objectContaining({ line: 27, field: 'spec.entries[2].colour', message: 'unknown field' }),
    );
  });

  it('rejects entries with both or neither of name and pattern, bad bounds and duplicate ids', () => {
    const result = parseRadar(
      `${HEADER}    - { id: a, name: A, quadrant: tools, ring: adopt, match: { name: a, pattern: "a*" } }
    - { id: b, name: B, quadrant: tools, ring: adopt, match: [] }
    - { id: c, name: C, quadrant: tools, ring: adopt, match: { name: c }, versions: [{ ring: hold, below: "^1" }] }
    - { id: d, name: D, quadrant: tools, ring: adopt, match: { name: d }, versions: [{ ring: hold }] }
    - { id: e, name: E, quadrant: tools, ring: adopt, match: { name: e } }
    - { id: e, name: E again, quadrant: tools, ring: hold, match: { name: e } }
`,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.radar.entries.map((e) => e.name)).toEqual(['E']);
    const fields = result.problems.map((p) => p.field);
    expect(fields).toEqual([
      'spec.entries[0].match.name',
      'spec.entries[1].match',
      'spec.entries[2].versions[0].below',
      'spec.entries[3].versions[0].atLeast',
      'spec.entries[5].id',
    ]);
  });

  it('rejects the whole document when the header or quadrants are wrong', () => {
    const three = parseRadar(HEADER.replace('    - { id: data, name: Data }\n', ''), { file: 'r.yaml' });
    expect(three).toEqual({
      ok: false,
      problems: [expect.objectContaining({ file: 'r.yaml', field: 'spec.quadrants', line: 6 })],
    });
    const kind = parseRadar(HEADER.replace('kind: Radar', 'kind: Shift'));
    expect(kind.ok).toBe(false);
    if (!kind.ok) expect(kind.problems[0]).toMatchObject({ field: 'kind', line: 2, message: 'must be Radar' });
    const syntax = parseRadar('apiVersion: [unclosed\n');
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.problems[0]).toMatchObject({ field: '', line: expect.any(Number) });
  });

  it('accepts the example radar of the demo fleet without a problem', () => {
    const text = readFileSync(new URL('../../../../../../examples/radar/radar.yaml', import.meta.url), 'utf8');
    const result = parseRadar(text, { file: 'examples/radar/radar.yaml' });
    expect(result.ok && result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.radar.entries.length).toBeGreaterThanOrEqual(15);
    expect(result.radar.entries.find((e) => e.id === 'log-lib')?.ring).toBe('hold');
  });
});
