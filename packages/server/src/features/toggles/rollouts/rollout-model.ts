import { z } from '@hono/zod-openapi';

/** What a guard does when its threshold is crossed. */
export const GuardAction = z.enum(['rollback', 'off']);

/**
 * Error rate from impact counters services send to POST /api/toggles/impact:
 * errors / requests over the last `windowMinutes`, judged only once the window
 * holds at least `minRequests` requests.
 */
export const ErrorRateGuard = z
  .object({
    kind: z.literal('error-rate'),
    name: z.string().min(1).max(100).optional(),
    /** Breach when the rate is above this fraction (0.05 = 5 %). */
    threshold: z.number().min(0).max(1),
    windowMinutes: z.number().int().min(1).max(1440).default(10),
    minRequests: z.number().int().min(1).default(100),
    /** Only this application's counters; all applications when absent. */
    appName: z.string().min(1).optional(),
    action: GuardAction.default('rollback'),
  })
  .openapi('ToggleErrorRateGuard');

/** A Prometheus instant query whose value (a scalar or one series) is compared with a threshold. */
export const PrometheusGuard = z
  .object({
    kind: z.literal('prometheus'),
    name: z.string().min(1).max(100).optional(),
    /** Base URL of the Prometheus HTTP API, e.g. https://prometheus.example.com */
    url: z.string().url(),
    query: z.string().min(1),
    threshold: z.number(),
    /** `above`: breach when value > threshold; `below`: breach when value < threshold. */
    breachWhen: z.enum(['above', 'below']).default('above'),
    action: GuardAction.default('rollback'),
  })
  .openapi('TogglePrometheusGuard');

export const Guard = z.discriminatedUnion('kind', [ErrorRateGuard, PrometheusGuard]);
export type Guard = z.infer<typeof Guard>;

export const CreatePlanBody = z
  .object({
    /** Rollout percentages in increasing order, e.g. [1, 5, 25, 50, 100]. */
    milestones: z.array(z.number().int().min(1).max(100)).min(1).max(20),
    /** Seconds each milestone holds before the next; absent means advance by hand only. */
    holdSeconds: z
      .number()
      .int()
      .min(1)
      .max(90 * 24 * 3600)
      .optional(),
    guards: z.array(Guard).max(10).default([]),
    /** Start at once (default) or leave the plan as a draft. */
    start: z.boolean().default(true),
  })
  .openapi('ToggleCreatePlanInput');
export type CreatePlanInput = z.infer<typeof CreatePlanBody>;

export const PLAN_STATUSES = ['draft', 'running', 'paused', 'completed', 'aborted'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export interface RolloutPlan {
  id: string;
  project: string;
  flag: string;
  environment: string;
  milestones: number[];
  holdSeconds: number | null;
  guards: Guard[];
  status: PlanStatus;
  /** Index of the milestone in effect; -1 before the plan starts. */
  currentIndex: number;
  /** When the current milestone was reached. */
  milestoneAt: string | null;
  /** When the plan advances by itself next (null: by hand, or not running). */
  nextAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export const TIMELINE_KINDS = [
  'created',
  'started',
  'milestone-reached',
  'paused',
  'resumed',
  'aborted',
  'completed',
  'guard-breached',
  'guard-unavailable',
  'rolled-back',
  'turned-off',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  id: string;
  planId: string;
  at: string;
  kind: TimelineKind;
  milestoneIndex: number | null;
  percent: number | null;
  actor: string;
  detail: Record<string, unknown>;
}

/** Field errors for milestones that do not strictly increase. */
export function milestoneIssues(milestones: number[]): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  milestones.forEach((m, i) => {
    const previous = milestones[i - 1];
    if (i > 0 && previous !== undefined && m <= previous) {
      issues.push({ field: `milestones[${i}]`, message: `${m} must be above the previous milestone ${previous}` });
    }
  });
  return issues;
}

/** How a guard is named in timelines and events. */
export function guardLabel(guard: Guard, index: number): string {
  return guard.name ?? `guards[${index}] (${guard.kind})`;
}
