import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDeltaEvents, type DeltaEvent } from './delta.js';
import { compileFeatures } from './features.js';
import type { ClientFeaturesResponse, ToggleContext, VariantResult } from './types.js';

// The Unleash client specification: every file in its index, every case, through this evaluator.
const require = createRequire(import.meta.url);
const specDir = join(dirname(require.resolve('@unleash/client-specification/package.json')), 'specifications');
const index = JSON.parse(readFileSync(join(specDir, 'index.json'), 'utf8')) as string[];

interface SpecFile {
  name: string;
  state: ClientFeaturesResponse | { events: DeltaEvent[] };
  tests?: { description: string; context: ToggleContext; toggleName: string; expectedResult: boolean }[];
  variantTests?: { description: string; context: ToggleContext; toggleName: string; expectedResult: VariantResult }[];
}

const files = index.map((file) => ({
  file,
  spec: JSON.parse(readFileSync(join(specDir, file), 'utf8')) as SpecFile,
}));

function stateOf(spec: SpecFile): ClientFeaturesResponse {
  if ('events' in spec.state) return applyDeltaEvents({ version: 2, features: [] }, spec.state.events);
  return spec.state;
}

let cases = 0;
describe('Unleash client specification', () => {
  for (const { file, spec } of files) {
    describe(file, () => {
      // A fixed host name that no spec file lists, so applicationHostname cases do not depend on the machine.
      const compiled = compileFeatures(stateOf(spec), { hostname: 'backbeat-spec-host' });
      for (const test of spec.tests ?? []) {
        cases++;
        it(`${test.description} (${test.toggleName})`, () => {
          expect(compiled.isEnabled(test.toggleName, test.context)).toBe(test.expectedResult);
        });
      }
      for (const test of spec.variantTests ?? []) {
        cases++;
        it(`variant: ${test.description} (${test.toggleName})`, () => {
          const actual = compiled.getVariant(test.toggleName, test.context);
          expect({ ...actual }).toEqual(test.expectedResult);
        });
      }
    });
  }

  it('covers every case of the specification (227 tests + 52 variant tests)', () => {
    expect(files).toHaveLength(22);
    expect(cases).toBe(279);
  });
});
