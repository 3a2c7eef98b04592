/**
 * The flags both toggle servers are loaded with in the toggles benchmarks, in
 * Unleash's client format (what GET /api/client/features answers and what
 * Backbeat's import endpoint takes), so Backbeat and the Unleash server serve the
 * same rules.
 */

export interface BenchConstraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface BenchVariant {
  name: string;
  weight: number;
  weightType: 'variable';
  stickiness: string;
  payload?: { type: 'string' | 'json'; value: string };
}

export interface BenchStrategy {
  name: 'default' | 'flexibleRollout';
  parameters: Record<string, string>;
  constraints: BenchConstraint[];
  variants: BenchVariant[];
}

export interface BenchFlag {
  name: string;
  type: 'release' | 'experiment' | 'operational' | 'kill-switch';
  description: string;
  enabled: boolean;
  strategies: BenchStrategy[];
}

/** The flag the streaming benchmark flips: on, one default strategy. */
export const FLIP_FLAG = 'bench-flag-00';

/**
 * `count` flags with a deterministic mix of the rules real services use: most are a
 * flexibleRollout at some percentage, a third carry a constraint (a few two), a
 * quarter hand out variants with payloads, and one in six is switched off.
 *
 * @example
 * const flags = benchFlags(50);
 */
export function benchFlags(count = 50): BenchFlag[] {
  return Array.from({ length: count }, (_, i): BenchFlag => {
    const name = `bench-flag-${String(i).padStart(2, '0')}`;
    const constraints: BenchConstraint[] = [];
    if (i % 3 === 1) constraints.push({ contextName: 'tenant', operator: 'IN', values: ['acme', 'globex', 'initech'] });
    if (i % 7 === 3) {
      constraints.push({ contextName: 'region', operator: 'STR_STARTS_WITH', values: ['eu-'], caseInsensitive: true });
    }
    if (i % 11 === 5) constraints.push({ contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.3.0' });
    const variants: BenchVariant[] =
      i % 4 === 2
        ? [
            {
              name: 'blue',
              weight: 500,
              weightType: 'variable',
              stickiness: 'default',
              payload: { type: 'string', value: '#0000ff' },
            },
            {
              name: 'green',
              weight: 500,
              weightType: 'variable',
              stickiness: 'default',
              payload: { type: 'json', value: '{"color":"#00ff00","size":2}' },
            },
          ]
        : [];
    const strategy: BenchStrategy =
      i === 0 || i % 5 === 0
        ? { name: 'default', parameters: {}, constraints, variants }
        : {
            name: 'flexibleRollout',
            parameters: { rollout: String((i * 7) % 100), stickiness: 'default', groupId: name },
            constraints,
            variants,
          };
    return {
      name,
      type: variants.length > 0 ? 'experiment' : i % 10 === 9 ? 'kill-switch' : 'release',
      description: `Benchmark flag ${i}`,
      // The flipped flag starts on; the others are mostly on, one in six off.
      enabled: i === 0 || i % 6 !== 5,
      strategies: [strategy],
    };
  });
}
