import { describe, expect, it } from 'vitest';
import { prometheusValue } from './guard-check.js';

describe('prometheusValue', () => {
  it('reads a scalar and a single-series vector', () => {
    expect(prometheusValue({ status: 'success', data: { resultType: 'scalar', result: [1, '0.25'] } })).toBe(0.25);
    expect(
      prometheusValue({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '3'] }] } }),
    ).toBe(3);
  });

  it('treats an empty vector as no data and explains unusable answers', () => {
    expect(prometheusValue({ status: 'success', data: { resultType: 'vector', result: [] } })).toBeNull();
    expect(prometheusValue({ status: 'error', error: 'parse error at char 3' })).toContain('parse error at char 3');
    expect(prometheusValue({ status: 'success', data: { resultType: 'matrix', result: [] } })).toContain('matrix');
    expect(prometheusValue({ status: 'success', data: { resultType: 'scalar', result: [1, 'NaN'] } })).toContain(
      'unreadable',
    );
  });
});
