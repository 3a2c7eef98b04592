import { z } from '@hono/zod-openapi';
import { StrategySchema, VariantSchema } from '../model/flag-config.js';

/** A change to one flag in one environment that waits for approval or for its time. */
export const FlagChange = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('enable') }),
    z.object({ action: z.literal('disable') }),
    z.object({ action: z.literal('rollout'), percent: z.number().int().min(0).max(100) }),
    z.object({ action: z.literal('strategies'), strategies: z.array(StrategySchema) }),
    z.object({ action: z.literal('variants'), variants: z.array(VariantSchema) }),
    z.object({ action: z.literal('start-plan'), planId: z.string().min(1) }),
  ])
  .openapi('ToggleFlagChange');
export type FlagChange = z.infer<typeof FlagChange>;

export const CreateChangeBody = z
  .object({
    change: FlagChange,
    /** Apply at this time (ISO-8601, UTC); now when absent. */
    applyAt: z.string().datetime({ offset: true }).optional(),
    note: z.string().max(2000).optional(),
  })
  .openapi('ToggleChangeRequestInput');
export type CreateChangeInput = z.infer<typeof CreateChangeBody>;

export const DecisionBody = z.object({ comment: z.string().max(2000).optional() }).openapi('ToggleChangeDecision');

export const GovernanceBody = z.object({ requireApproval: z.boolean() }).openapi('ToggleGovernanceInput');

/**
 * `pending`: waits for another owner's approval. `scheduled`: approved (or needing
 * none), waits for `applyAt`. Then `applied`, `failed` (with `error`), `rejected`
 * or `cancelled`.
 */
export const CHANGE_STATUSES = ['pending', 'scheduled', 'applied', 'failed', 'rejected', 'cancelled'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

export interface ChangeRequest {
  id: string;
  project: string;
  flag: string;
  environment: string;
  change: FlagChange;
  note: string | null;
  status: ChangeStatus;
  applyAt: string | null;
  requestedBy: string;
  decidedBy: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectGovernance {
  project: string;
  /** Production changes need a change request approved by another owner or an admin. */
  requireApproval: boolean;
  /** Whether the asking actor may change the setting (present when the read names a viewer). */
  viewer?: { canChange: boolean };
}
