import { describe, expect, it } from 'vitest';
import { toFilter } from './catalog-api.js';

describe('toFilter', () => {
  it('joins conditions with commas and repeats keys for several values', () => {
    expect(toFilter({ kind: ['component'], 'spec.type': ['service', 'website'] })).toBe(
      'kind=component,spec.type=service,spec.type=website',
    );
  });

  it('leaves out the excepted facet and returns nothing for no selection', () => {
    expect(toFilter({ kind: ['component'], 'spec.lifecycle': ['production'] }, 'kind')).toBe(
      'spec.lifecycle=production',
    );
    expect(toFilter({})).toBeUndefined();
  });
});
