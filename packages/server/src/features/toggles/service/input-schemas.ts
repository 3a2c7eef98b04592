import { z } from '@hono/zod-openapi';
import { ConstraintSchema, DependencySchema, FLAG_TYPES, StrategySchema, VariantSchema } from '../model/flag-config.js';
import { TOKEN_TYPES } from '../model/records.js';

/** Project, flag and environment keys: safe in URLs, tokens and metric labels. */
const KEY = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const key = (what: string) => z.string().regex(KEY, `${what}: lowercase letters, digits, - and _ (at most 63)`);

/** Unleash allows dots and most printable characters in flag names; spaces and slashes would break paths. */
export const FlagName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s/?#%\\]+$/, 'a flag name without spaces, slashes, ?, #, % or backslashes');

export const CreateProjectBody = z
  .object({
    key: key('project key'),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    entityRef: z.string().min(1).nullable().optional(),
    ownerRef: z.string().min(1).nullable().optional(),
  })
  .openapi('ToggleProjectInput');

export const UpdateProjectBody = CreateProjectBody.omit({ key: true }).partial().openapi('ToggleProjectPatch');

export const CreateEnvironmentBody = z
  .object({ key: key('environment key'), name: z.string().min(1).max(100), production: z.boolean().default(false) })
  .openapi('ToggleEnvironmentInput');

export const CreateFlagBody = z
  .object({
    name: FlagName,
    type: z.enum(FLAG_TYPES).default('release'),
    description: z.string().max(2000).nullable().optional(),
    impressionData: z.boolean().default(false),
    dependencies: z.array(DependencySchema).default([]),
  })
  .openapi('ToggleFlagInput');

export const UpdateFlagBody = z
  .object({
    type: z.enum(FLAG_TYPES),
    description: z.string().max(2000).nullable(),
    stale: z.boolean(),
    impressionData: z.boolean(),
    dependencies: z.array(DependencySchema),
  })
  .partial()
  .openapi('ToggleFlagPatch');

export const StrategiesBody = z.object({ strategies: z.array(StrategySchema) }).openapi('ToggleStrategiesInput');
export const VariantsBody = z.object({ variants: z.array(VariantSchema) }).openapi('ToggleVariantsInput');

export const KillBody = z
  .object({
    reason: z.string().trim().min(1, 'say why the flag is being killed').max(2000),
    environment: z.string().min(1).optional(),
  })
  .openapi('ToggleKillInput');

export const RolloutBody = z.object({ percent: z.number().int().min(0).max(100) }).openapi('ToggleRolloutInput');

export const SegmentBody = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    constraints: z.array(ConstraintSchema).default([]),
  })
  .openapi('ToggleSegmentInput');

export const CreateTokenBody = z
  .object({
    name: z.string().min(1).max(100),
    type: z.enum(TOKEN_TYPES).default('client'),
    project: z.union([key('project key'), z.literal('*')]),
    environment: key('environment key'),
  })
  .openapi('ToggleTokenInput');

/** A client-format payload (`GET /api/client/features`), e.g. exported from Unleash. */
export const ImportBody = z
  .object({
    version: z.number().int().optional(),
    features: z.array(
      z.looseObject({
        name: FlagName,
        type: z.string().optional(),
        description: z.string().nullable().optional(),
        enabled: z.boolean(),
        stale: z.boolean().optional(),
        impressionData: z.boolean().optional(),
        strategies: z.array(StrategySchema).default([]),
        variants: z.array(VariantSchema).nullable().optional(),
        dependencies: z.array(DependencySchema).optional(),
      }),
    ),
    segments: z
      .array(
        z
          .object({
            id: z.number().int(),
            name: z.string().min(1).optional(),
            constraints: z.array(ConstraintSchema).default([]),
          })
          // Client payloads may omit segment names; the id makes one up.
          .transform((s) => ({ ...s, name: s.name ?? `segment-${s.id}` })),
      )
      .default([]),
  })
  .openapi('ToggleImportInput');
export type ImportPayload = z.infer<typeof ImportBody>;
