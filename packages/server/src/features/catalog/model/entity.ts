/**
 * The Backstage entity envelope (`backstage.io/v1alpha1`), as read from
 * catalog-info.yaml and as served by the catalog API. Relations and status are
 * output only: computed by Backbeat, never read from YAML.
 */
export interface EntityLink {
  url: string;
  title?: string;
  icon?: string;
  type?: string;
}

export interface EntityMetadata {
  name: string;
  namespace?: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  tags?: string[];
  links?: EntityLink[];
  /** Server-populated. */
  uid?: string;
  etag?: string;
  generation?: number;
  [extra: string]: unknown;
}

export interface EntityRelation {
  type: string;
  targetRef: string;
  /** Older Backstage clients read this compound form. */
  target?: { kind: string; namespace: string; name: string };
}

export interface EntityStatusItem {
  type: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  error?: { name: string; message: string };
}

export interface Entity {
  apiVersion: string;
  kind: string;
  metadata: EntityMetadata;
  spec?: Record<string, unknown>;
  relations?: EntityRelation[];
  status?: { items?: EntityStatusItem[] };
}

/** `kind:namespace/name`, parsed. Kind and namespace as written; compare via the canonical string. */
export interface CompoundEntityRef {
  kind: string;
  namespace: string;
  name: string;
}
