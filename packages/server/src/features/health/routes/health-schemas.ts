import { z } from '@hono/zod-openapi';

/** OpenAPI shapes of tech health's responses (documentation; the service builds them). */
export const CheckResult = z
  .object({
    check: z.string(),
    status: z.enum(['passed', 'failed', 'not-applicable']),
    message: z.string(),
    fix: z.string().optional(),
    attestation: z
      .object({
        status: z.enum(['passed', 'failed']),
        by: z.string(),
        at: z.string(),
        expiresAt: z.string(),
        note: z.string().optional(),
      })
      .optional(),
  })
  .openapi('HealthCheckResult');

export const Certification = z
  .object({
    track: z.string(),
    level: z.string().nullable(),
    rank: z.number().int(),
    levels: z.array(
      z.object({ name: z.string(), title: z.string(), passed: z.boolean(), failing: z.array(z.string()) }),
    ),
  })
  .openapi('HealthCertification');

export const EntityHealth = z
  .object({
    entityRef: z.string(),
    ownerRef: z.string().nullable(),
    evaluatedAt: z.string().nullable(),
    certifications: z.array(Certification),
    results: z.array(CheckResult),
    facts: z.record(
      z.string(),
      z.object({
        facts: z.unknown(),
        collectedAt: z.string().nullable(),
        checkedAt: z.string(),
        error: z.string().nullable(),
      }),
    ),
    viewer: z
      .object({ canChange: z.boolean() })
      .optional()
      .openapi({ description: 'Whether the asking user may attest and re-check this entity (its owners, admins)' }),
  })
  .openapi('HealthEntity');

export const EntityHistory = z
  .object({
    entityRef: z.string(),
    certifications: z.array(
      z.object({ track: z.string(), level: z.string().nullable(), rank: z.number(), at: z.string() }),
    ),
    results: z.array(z.object({ statuses: z.record(z.string(), z.string()), at: z.string() })),
  })
  .openapi('HealthEntityHistory');

export const StoredDefinition = z
  .object({
    kind: z.enum(['Check', 'Track', 'Campaign']),
    name: z.string(),
    spec: z.unknown(),
    source: z.string().nullable(),
    updatedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('HealthDefinition');

export const ApplyResult = z
  .object({ applied: z.array(z.object({ kind: z.string(), name: z.string(), changed: z.boolean() })) })
  .openapi('HealthApplyResult');

export const RefreshReport = z
  .object({
    collection: z.object({
      entities: z.number(),
      collected: z.number(),
      unchanged: z.number(),
      changed: z.number(),
      errors: z.array(z.object({ entityRef: z.string(), collector: z.string(), error: z.string() })),
    }),
    evaluation: z.object({ entities: z.number(), changed: z.number(), levelChanges: z.number() }),
  })
  .openapi('HealthRefreshReport');

export const GroupRollup = z
  .object({
    group: z.object({ ref: z.string(), title: z.string(), type: z.string().nullable() }),
    components: z.number(),
    checks: z.array(
      z.object({
        check: z.string(),
        title: z.string(),
        passed: z.number(),
        failed: z.number(),
        notApplicable: z.number(),
        passRate: z.number().nullable(),
      }),
    ),
    tracks: z.array(
      z.object({
        track: z.string(),
        title: z.string(),
        distribution: z.array(z.object({ level: z.string().nullable(), title: z.string(), count: z.number() })),
        trend: z.array(z.object({ day: z.string(), counts: z.record(z.string(), z.number()) })),
      }),
    ),
    leaderboard: z.array(
      z.object({
        group: z.string(),
        title: z.string(),
        type: z.string().nullable(),
        components: z.number(),
        score: z.number(),
        passRate: z.number().nullable(),
      }),
    ),
    entities: z
      .array(
        z.object({
          entityRef: z.string(),
          ownerRef: z.string().nullable(),
          certifications: z.array(z.object({ track: z.string(), level: z.string().nullable(), rank: z.number() })),
          passed: z.number(),
          failed: z.number(),
          passRate: z.number().nullable(),
        }),
      )
      .optional()
      .openapi({ description: 'With entities=true: every component in scope, lowest certification first' }),
  })
  .openapi('HealthGroupRollup');

const PassRatePoint = z.object({
  day: z.string(),
  passed: z.number(),
  failed: z.number(),
  passRate: z.number().nullable(),
});

export const GroupCheckTrend = z
  .object({
    group: z.object({ ref: z.string(), title: z.string(), type: z.string().nullable() }),
    overall: z.array(PassRatePoint),
    checks: z.array(z.object({ check: z.string(), title: z.string(), trend: z.array(PassRatePoint) })),
  })
  .openapi('HealthGroupCheckTrend');

export const Campaign = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string().optional(),
    checks: z.array(z.string()),
    start: z.string(),
    deadline: z.string(),
    totals: z.object({ components: z.number(), passing: z.number(), failing: z.number() }),
    bySquad: z.array(
      z.object({
        group: z.string(),
        title: z.string(),
        failing: z.number(),
        total: z.number(),
        burndown: z.array(z.object({ day: z.string(), failing: z.number() })),
      }),
    ),
    burndown: z.array(z.object({ day: z.string(), failing: z.number() })),
    failing: z.array(z.object({ entityRef: z.string(), ownerRef: z.string().nullable(), checks: z.array(z.string()) })),
  })
  .openapi('HealthCampaign');

export const GateAnswer = z.object({ allowed: z.boolean(), reason: z.string().optional() }).openapi('HealthGate');
