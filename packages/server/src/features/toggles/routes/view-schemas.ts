import { z } from '@hono/zod-openapi';
import { ConstraintSchema, DependencySchema, FLAG_TYPES, StrategySchema, VariantSchema } from '../model/flag-config.js';
import { TOKEN_TYPES } from '../model/records.js';

/** Response shapes of the toggle admin API, for the OpenAPI document. */
export const ProjectView = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    entityRef: z.string().nullable().openapi({ description: 'The catalog component or system' }),
    ownerRef: z.string().nullable().openapi({ description: 'The owning group; its members may change flags' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ToggleProject');

export const EnvironmentView = z
  .object({ key: z.string(), name: z.string(), production: z.boolean(), sortOrder: z.number().int() })
  .openapi('ToggleEnvironment');

export const FlagEnvironmentView = z
  .object({
    enabled: z.boolean(),
    strategies: z.array(StrategySchema),
    variants: z.array(VariantSchema),
    updatedAt: z.string().nullable(),
  })
  .openapi('ToggleFlagEnvironment');

export const FlagView = z
  .object({
    id: z.string(),
    project: z.string(),
    name: z.string(),
    type: z.enum(FLAG_TYPES),
    description: z.string().nullable(),
    stale: z.boolean(),
    impressionData: z.boolean(),
    dependencies: z.array(DependencySchema),
    createdAt: z.string(),
    updatedAt: z.string(),
    archivedAt: z.string().nullable(),
    environments: z.record(z.string(), FlagEnvironmentView).openapi({ description: 'Keyed by environment' }),
  })
  .openapi('ToggleFlag');

export const SegmentView = z
  .object({
    id: z.number().int(),
    project: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    constraints: z.array(ConstraintSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ToggleSegment');

export const TokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(TOKEN_TYPES),
    project: z.string(),
    environment: z.string(),
    displayPrefix: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('ToggleToken');

export const CreatedTokenView = z
  .object({ token: z.string().openapi({ description: 'Shown once; only a hash is kept' }), info: TokenView })
  .openapi('ToggleCreatedToken');

export const HistoryEntryView = z
  .object({
    id: z.string(),
    at: z.string(),
    type: z.string(),
    subject: z.string(),
    actor: z.object({ kind: z.string(), id: z.string(), displayName: z.string(), userRef: z.string().optional() }),
    before: FlagView.optional(),
    after: FlagView.optional(),
    data: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'action, environment, reason, revision' }),
  })
  .openapi('ToggleHistoryEntry');

export const MetricsRowView = z
  .object({
    flag: z.string(),
    environment: z.string(),
    appName: z.string(),
    hour: z.string(),
    yes: z.number().int(),
    no: z.number().int(),
    variants: z.record(z.string(), z.number().int()),
  })
  .openapi('ToggleMetricsRow');

export const ApplicationView = z
  .object({
    appName: z.string(),
    instanceId: z.string(),
    environment: z.string(),
    project: z.string(),
    sdkVersion: z.string().nullable(),
    strategies: z.array(z.string()),
    intervalMs: z.number().nullable(),
    startedAt: z.string().nullable(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
  })
  .openapi('ToggleApplication');

export const ImportReportView = z
  .object({
    created: z.array(z.string()),
    updated: z.array(z.string()),
    segments: z.array(z.object({ id: z.number().int(), name: z.string(), importedId: z.number().int() })),
    warnings: z.array(z.object({ field: z.string(), message: z.string() })),
  })
  .openapi('ToggleImportReport');

export const itemsOf = <T extends z.ZodType>(schema: T) => z.object({ items: z.array(schema) });
