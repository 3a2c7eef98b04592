import { describe, expect, it } from 'vitest';
import { CreatePlanBody, milestoneIssues } from './rollout-model.js';

describe('rollout plan input', () => {
  it('needs strictly increasing milestones and names the offending one', () => {
    expect(milestoneIssues([1, 5, 25, 50, 100])).toEqual([]);
    expect(milestoneIssues([1, 5, 5, 50])).toEqual([
      { field: 'milestones[2]', message: expect.stringContaining('above') },
    ]);
  });

  it('fills guard defaults: a ten-minute window, a sample of 100 and a rollback', () => {
    const plan = CreatePlanBody.parse({ milestones: [1, 10], guards: [{ kind: 'error-rate', threshold: 0.02 }] });
    expect(plan.guards[0]).toMatchObject({ windowMinutes: 10, minRequests: 100, action: 'rollback' });
    expect(plan.start).toBe(true);
    expect(CreatePlanBody.safeParse({ milestones: [0] }).success).toBe(false);
  });
});
