import type { DependencyCondition } from '../../../platform/manifests/types.js';

export type { DependencyCondition };
/**
 * The shape of a Shift document (apiVersion `backbeat.dev/v1`, kind `Shift`) after
 * parsing and validation. `parseShiftSpec` (spec/parse-shift-spec.ts) turns YAML
 * text into this, or into errors naming the line and field. docs/fleet.md is the
 * reference for users.
 */
export const SHIFT_API_VERSION = 'backbeat.dev/v1';
export const SHIFT_KIND = 'Shift';

export interface ShiftSpec {
  apiVersion: typeof SHIFT_API_VERSION;
  kind: typeof SHIFT_KIND;
  metadata: {
    /** Identity: re-applying a document with the same name updates that shift. */
    name: string;
    description?: string;
    /** Entity ref of the owning catalog group, e.g. `group:default/platform-squad`. */
    owner: string;
  };
  spec: {
    targets: ShiftTargets;
    steps: ShiftStep[];
    change: ChangeTemplate;
    rollout: Rollout;
    automerge: AutomergePolicy;
  };
}

export interface ShiftTargets {
  /** Catalog filter over Component entities; every listed field must match (values within a field are ORed). */
  filter: {
    kind: string[];
    type?: string[];
    owner?: string[];
    tag?: string[];
    lifecycle?: string[];
    system?: string[];
  };
  /** Keep only repositories whose manifests declare this dependency (optionally in a version range). */
  dependency?: DependencyCondition;
  /** Entity refs always targeted (still subject to `exclude`). */
  include: string[];
  /** Entity refs never targeted. */
  exclude: string[];
}

export type ShiftStep = BumpDependencyStep | SetValueStep | DeleteValueStep | ReplaceStep | CommandStep;

export interface BumpDependencyStep {
  type: 'bump-dependency';
  /** Dependency name as in `DependencyCondition.name`. */
  dependency: string;
  to: string;
}

/** Sets a value in a YAML or JSON file (by extension), keeping comments and layout. */
export interface SetValueStep {
  type: 'set-value';
  file: string;
  /**
   * Dotted path; `[n]` indexes a list, `["a.b"]` names a key holding dots:
   * `spec.containers[0].image`, `metadata.annotations["backstage.io/owner"]`.
   * YAML files: the path applies to the first document.
   */
  path: string;
  value: unknown;
}

export interface DeleteValueStep {
  type: 'delete-value';
  file: string;
  path: string;
}

/** Regex replace in every text file matched by the glob. */
export interface ReplaceStep {
  type: 'replace';
  files: string;
  pattern: string;
  /** JavaScript replacement syntax: `$1` for a group, `$&` for the match, `$$` for a dollar. */
  replacement: string;
  /** JavaScript regex flags; `g` is always added. */
  flags?: string;
}

/** Any program, run in a sandbox that can only write its own workspace. */
export interface CommandStep {
  type: 'command';
  run: string;
  timeoutSeconds: number;
  env: Record<string, string>;
}

/** Liquid templates; variables: `shift`, `entity`, `owner`, `repository`. */
export interface ChangeTemplate {
  title: string;
  body: string;
  /** Default `backbeat/<shift name>`. */
  branch: string;
  commitMessage: string;
  author: { name: string; email: string };
  labels: string[];
}

/**
 * `HH:MM-HH:MM` on the listed weekdays (`mon`..`sun`, default all), in `timezone`
 * (an IANA name, default UTC). An end before the start spans midnight.
 */
export interface TimeWindow {
  days: string[];
  start: string;
  end: string;
  timezone: string;
}

export interface Rollout {
  /** Entity refs published first; the rest waits until every canary is merged or closed. */
  canary: string[];
  /** Alternatively, this percentage of targets (rounded up) forms the first wave. */
  canaryPercent?: number;
  /** Changes published per hour across the shift; absent = unlimited. */
  publishPerHour?: number;
  /** Targets planned or published at the same time. */
  concurrency: number;
  publishWindow?: TimeWindow;
  mergeWindow?: TimeWindow;
}

export interface AutomergePolicy {
  enabled: boolean;
  /** Merge only when the repository's checks passed (default true). */
  requireChecks: boolean;
  requireApproval: boolean;
  method: 'merge' | 'squash' | 'rebase';
  /** Hook for tech health: the minimum certification level a component needs to be auto-merged. */
  minHealthLevel?: string;
}

/** A repository opts out of auto-merge with this annotation set to "false". */
export const AUTOMERGE_ANNOTATION = 'backbeat.dev/automerge';
/** A repository declares its check command with this annotation (or `.backbeat/checks.yaml`). */
export const CHECK_COMMAND_ANNOTATION = 'backbeat.dev/check-command';
