/** Row shapes of the toggle tables (see ../migrations.ts). */
export interface ProjectRow {
  key: string;
  name: string;
  description: string | null;
  entity_ref: string | null;
  owner_ref: string | null;
  created_at: string;
  updated_at: string;
}

export interface EnvironmentRow {
  key: string;
  name: string;
  production: number;
  sort_order: number;
  created_at: string;
}

export interface FlagRow {
  id: string;
  project_key: string;
  name: string;
  type: string;
  description: string | null;
  stale: number;
  impression_data: number;
  dependencies_json: string;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface FlagEnvironmentRow {
  flag_id: string;
  environment: string;
  enabled: number;
  strategies_json: string;
  variants_json: string;
  updated_at: string;
}

export interface SegmentRow {
  id: number;
  project_key: string;
  name: string;
  description: string | null;
  constraints_json: string;
  created_at: string;
  updated_at: string;
}

export interface TokenRow {
  id: string;
  name: string;
  type: string;
  project_key: string;
  environment: string;
  token_hash: string;
  display_prefix: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface MetricRow {
  flag_name: string;
  project_key: string;
  environment: string;
  app_name: string;
  hour: string;
  yes: number | string;
  no: number | string;
}

export interface MetricVariantRow {
  flag_name: string;
  project_key: string;
  environment: string;
  app_name: string;
  hour: string;
  variant: string;
  count: number | string;
}

export interface ApplicationRow {
  app_name: string;
  instance_id: string;
  environment: string;
  project_key: string;
  sdk_version: string | null;
  strategies_json: string;
  interval_ms: number | null;
  started_at: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export interface TogglesTables {
  toggles_projects: ProjectRow;
  toggles_environments: EnvironmentRow;
  toggles_flags: FlagRow;
  toggles_flag_environments: FlagEnvironmentRow;
  toggles_segments: SegmentRow;
  toggles_tokens: TokenRow;
  toggles_revision: { id: number; revision: number | string };
  toggles_metrics: MetricRow;
  toggles_metric_variants: MetricVariantRow;
  toggles_applications: ApplicationRow;
}
