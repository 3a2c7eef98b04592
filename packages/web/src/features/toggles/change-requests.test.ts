import { describe, expect, it } from 'vitest';
import { ApiError } from '../../app/api-client.js';
import { describeChange } from './change-requests.js';
import { isApprovalRequired } from './changes-api.js';

describe('isApprovalRequired', () => {
  it('recognises only the four-eyes refusal', () => {
    const type = 'https://backbeat.dev/problems/toggle-approval-required';
    expect(isApprovalRequired(new ApiError(409, { type }))).toBe(true);
    expect(isApprovalRequired(new ApiError(409, { type: 'https://backbeat.dev/problems/conflict' }))).toBe(false);
    expect(isApprovalRequired(new ApiError(403, { type }))).toBe(false);
    expect(isApprovalRequired(new Error('approval-required'))).toBe(false);
    expect(isApprovalRequired(null)).toBe(false);
  });
});

describe('describeChange', () => {
  it('says what a change request would do', () => {
    expect(describeChange({ change: { action: 'enable' } })).toBe('switch on');
    expect(describeChange({ change: { action: 'rollout', percent: 50 } })).toBe('rollout to 50%');
    expect(
      describeChange({
        change: {
          action: 'strategies',
          strategies: [
            { name: 'flexibleRollout', parameters: { rollout: '5' }, constraints: [], segments: [], variants: [] },
          ],
        },
      }),
    ).toBe('strategies: 5%');
    expect(describeChange({ change: { action: 'variants', variants: [{ name: 'a', weight: 1000 }] } })).toBe(
      'variants: a',
    );
    expect(describeChange({ change: { action: 'start-plan' } })).toBe('start-plan');
  });
});
