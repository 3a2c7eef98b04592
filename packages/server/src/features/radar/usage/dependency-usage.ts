/** One dependency one component declares, with the component's owner. */
export interface DependencyUsage {
  entityRef: string;
  ownerRef: string | null;
  /** `npm`, `maven`, `go` or `pypi`. */
  ecosystem: string;
  name: string;
  /** As the manifest or lockfile gives it: `4.18.2`, `^2.14.1`, or '' when managed elsewhere. */
  version: string;
}

/**
 * Where the radar learns what the fleet uses. The radar only needs this list; the
 * implementation may read repositories itself or reuse dependency facts collected
 * by another feature.
 *
 * @example
 * const radar = createRadar({ ..., dependencyUsage: { listDependencyUsage: async () => [] } });
 */
export interface DependencyUsageReader {
  /** Every (component, dependency) pair the fleet declares. */
  listDependencyUsage(): Promise<DependencyUsage[]>;
}
