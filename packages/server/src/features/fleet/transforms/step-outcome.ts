/** What a built-in step did: the files it changed (relative, `/`-separated) and log lines for the target's log. */
export interface StepOutcome {
  changedFiles: string[];
  log: string[];
}
