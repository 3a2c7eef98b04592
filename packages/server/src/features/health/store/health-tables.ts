/** Row types of the health tables (see migrations.ts for what each is for). */
export interface HealthTables {
  health_fact_state: FactStateRow;
  health_fact_history: {
    id: string;
    entity_ref: string;
    collector: string;
    version: number;
    facts_json: string;
    facts_hash: string;
    collected_at: string;
  };
  health_definitions: DefinitionRow;
  health_entity_state: EntityStateRow;
  health_result_history: {
    id: string;
    entity_ref: string;
    owner_ref: string | null;
    statuses_json: string;
    at: string;
  };
  health_certification_history: CertificationHistoryRow;
  health_attestations: AttestationRow;
}

export interface FactStateRow {
  entity_ref: string;
  collector: string;
  version: number;
  fingerprint: string | null;
  facts_json: string | null;
  facts_hash: string | null;
  error: string | null;
  collected_at: string | null;
  checked_at: string;
}

export interface DefinitionRow {
  kind: string;
  name: string;
  spec_json: string;
  source: string | null;
  updated_by: string;
  created_at: string;
  updated_at: string;
}

export interface EntityStateRow {
  entity_ref: string;
  owner_ref: string | null;
  results_json: string;
  certifications_json: string;
  hash: string;
  evaluated_at: string;
}

export interface CertificationHistoryRow {
  id: string;
  entity_ref: string;
  owner_ref: string | null;
  track: string;
  level: string | null;
  rank: number;
  at: string;
}

export interface AttestationRow {
  id: string;
  entity_ref: string;
  check_name: string;
  status: 'passed' | 'failed';
  note: string | null;
  attested_by: string;
  attested_at: string;
  expires_at: string;
}
