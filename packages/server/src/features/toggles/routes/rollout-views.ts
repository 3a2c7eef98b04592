import { z } from '@hono/zod-openapi';
import { FlagChange } from '../governance/change-model.js';
import { Guard } from '../rollouts/rollout-model.js';

export const TimelineEntryView = z
  .object({
    id: z.string(),
    planId: z.string(),
    at: z.string(),
    kind: z.string().openapi({
      description:
        'created, started, milestone-reached, paused, resumed, aborted, completed, guard-breached, guard-unavailable, rolled-back, turned-off',
    }),
    milestoneIndex: z.number().nullable(),
    percent: z.number().nullable(),
    actor: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('TogglePlanTimelineEntry');

export const PlanView = z
  .object({
    id: z.string(),
    project: z.string(),
    flag: z.string(),
    environment: z.string(),
    milestones: z.array(z.number()),
    holdSeconds: z.number().nullable(),
    guards: z.array(Guard),
    status: z.enum(['draft', 'running', 'paused', 'completed', 'aborted']),
    currentIndex: z.number().openapi({ description: 'index of the milestone in effect; -1 before start' }),
    milestoneAt: z.string().nullable(),
    nextAt: z.string().nullable().openapi({ description: 'when the plan advances by itself next; null when by hand' }),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('TogglePlan');

export const PlanWithTimelineView = PlanView.extend({ timeline: z.array(TimelineEntryView) }).openapi(
  'TogglePlanWithTimeline',
);

export const GuardSeriesView = z
  .object({
    index: z.number().openapi({ description: "position of the guard in the plan's guards" }),
    guard: z.string().openapi({ description: 'the guard name, or guards[i] (kind)' }),
    kind: z.enum(['error-rate', 'prometheus']),
    threshold: z.number(),
    breachWhen: z.enum(['above', 'below']),
    observations: z
      .array(
        z.object({
          at: z.string(),
          state: z.enum(['ok', 'breached', 'unavailable']),
          value: z.number().nullable().openapi({ description: 'null: too little data to judge, or unreadable' }),
          threshold: z.number(),
          milestoneIndex: z.number(),
          detail: z.string(),
        }),
      )
      .openapi({ description: 'oldest first' }),
  })
  .openapi('ToggleGuardSeries');

export const ChangeRequestView = z
  .object({
    id: z.string(),
    project: z.string(),
    flag: z.string(),
    environment: z.string(),
    change: FlagChange,
    note: z.string().nullable(),
    status: z.enum(['pending', 'scheduled', 'applied', 'failed', 'rejected', 'cancelled']),
    applyAt: z.string().nullable(),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ToggleChangeRequest');

export const GovernanceView = z
  .object({
    project: z.string(),
    requireApproval: z.boolean(),
    viewer: z
      .object({ canChange: z.boolean() })
      .optional()
      .openapi({ description: 'on reads: whether the caller (an owner or an admin) may change the setting' }),
  })
  .openapi('ToggleGovernance');

const StaleFlagView = z.object({
  project: z.string(),
  flag: z.string(),
  type: z.string(),
  ownerRef: z.string().nullable(),
  entityRef: z.string().nullable(),
  createdAt: z.string(),
  lastEvaluatedAt: z.string().nullable(),
  reasons: z.array(
    z.object({
      reason: z.enum(['marked', 'lifetime', 'fully-on', 'no-evaluations']),
      detail: z.string(),
      days: z.number().nullable().optional(),
      environment: z.string().optional(),
    }),
  ),
});

export const StaleReportView = z
  .object({
    generatedAt: z.string(),
    squads: z.array(z.object({ ownerRef: z.string().nullable(), flags: z.number(), stale: z.array(StaleFlagView) })),
    totals: z.object({ flags: z.number(), stale: z.number() }),
  })
  .openapi('ToggleStaleReport');

export const ImpactBody = z
  .object({
    flag: z.string().min(1),
    appName: z.string().min(1).max(200),
    /** Must match the token's environment when given. */
    environment: z.string().min(1).optional(),
    errors: z.number().int().min(0),
    requests: z.number().int().min(0),
  })
  .openapi('ToggleImpactInput');

export const ImpactRowView = z
  .object({
    project: z.string(),
    flag: z.string(),
    environment: z.string(),
    appName: z.string(),
    minute: z.string(),
    errors: z.number(),
    requests: z.number(),
  })
  .openapi('ToggleImpactRow');

export const ReasonBody = z.object({ reason: z.string().max(2000).optional() }).openapi('TogglePlanReason');
