import type { CheckResult, CheckSpec, HealthDefinition, TrackCertification, TrackSpec } from '../model/definitions.js';
import { type CompiledRule, compileApplicability, compileRule, type EntityShape } from '../spec/compile-rule.js';
import { parseFactPath } from '../spec/fact-path.js';

/** A manual check's latest attestation for one entity. */
export interface Attestation {
  status: 'passed' | 'failed';
  by: string;
  at: string;
  expiresAt: string;
  note?: string;
}

export interface EvaluationInput {
  entity: EntityShape;
  /** Facts by collector id: `{ repository: {...}, catalog: {...} }`. */
  facts: Record<string, unknown>;
  /** Collectors that failed for this entity, with their error. */
  factErrors?: Record<string, string>;
  /** Latest attestation by check name. */
  attestations?: ReadonlyMap<string, Attestation>;
  now: string;
}

export interface Evaluation {
  results: CheckResult[];
  certifications: TrackCertification[];
}

interface CompiledCheck {
  spec: CheckSpec;
  passedMessage: string;
  /**
   * The results most entities get, built once and shared (never mutated): ten
   * thousand entities then allocate nothing for them, and storing them compactly
   * is an identity test.
   */
  usual: { passed: CheckResult; failed?: CheckResult; notApplicable: CheckResult };
  applies: (entity: EntityShape) => boolean;
  rule?: CompiledRule;
  /** Collector ids the rule reads: a failed collector explains a failure better than its missing facts. */
  collectors: string[];
}

/** A result as stored: the message only when it is not the check's usual one, and no fix (the definition has it). */
export interface StoredResult {
  check: string;
  status: CheckResult['status'];
  message?: string;
  attestation?: CheckResult['attestation'];
}

export interface CompiledHealth {
  checks: ReadonlyMap<string, CheckSpec>;
  tracks: readonly TrackSpec[];
  evaluate(input: EvaluationInput): Evaluation;
  /** Results in their stored form: most messages are the same for every entity, so they are left out. */
  compact(results: readonly CheckResult[]): StoredResult[];
  /** Stored results with their messages and fixes back. */
  expand(stored: readonly StoredResult[]): CheckResult[];
}

function collectorsOf(rule: CheckSpec['rule'], out = new Set<string>()): Set<string> {
  if (!rule) return out;
  if ('all' in rule) for (const r of rule.all) collectorsOf(r, out);
  else if ('any' in rule) for (const r of rule.any) collectorsOf(r, out);
  else if ('not' in rule) collectorsOf(rule.not, out);
  else {
    const keys = parseFactPath(rule.fact);
    if (Array.isArray(keys) && typeof keys[0] === 'string') out.add(keys[0]);
  }
  return out;
}

/**
 * Compiles checks and tracks once into closures; `evaluate` is then a loop of
 * function calls per entity, with no parsing or lookups by name.
 *
 * A check is not-applicable when its filters exclude the entity. A level passes
 * when each of its checks passed or is not-applicable; the certification is the
 * highest level that passes with every level below it.
 *
 * @example
 * const health = compileHealth(definitions);
 * const { results, certifications } = health.evaluate({ entity, facts, now: nowIso() });
 */
const NOT_APPLICABLE = 'Does not apply to this entity.';

export function compileHealth(definitions: readonly HealthDefinition[]): CompiledHealth {
  const checks = new Map<string, CompiledCheck>();
  const tracks: TrackSpec[] = [];
  for (const definition of definitions) {
    if (definition.kind === 'Check') {
      const spec = definition.spec;
      const passedMessage = spec.message.passed ?? `${spec.title}: passed.`;
      const rule = spec.rule ? compileRule(spec.rule) : undefined;
      const fix = spec.fix ? { fix: spec.fix } : {};
      checks.set(spec.name, {
        spec,
        passedMessage,
        usual: {
          passed: Object.freeze({ check: spec.name, status: 'passed', message: passedMessage }),
          notApplicable: Object.freeze({ check: spec.name, status: 'not-applicable', message: NOT_APPLICABLE }),
          ...(rule
            ? {
                failed: Object.freeze({
                  check: spec.name,
                  status: 'failed',
                  message: spec.message.failed ?? `Expected ${rule.describe()}.`,
                  ...fix,
                }),
              }
            : {}),
        },
        applies: compileApplicability(spec.applies),
        ...(rule ? { rule } : {}),
        collectors: [...collectorsOf(spec.rule)],
      });
    } else if (definition.kind === 'Track') {
      tracks.push(definition.spec);
    }
  }
  const checkList = [...checks.values()];
  const indexOf = new Map(checkList.map((c, i) => [c.spec.name, i]));
  const compiledTracks = tracks.map((track) => ({
    spec: track,
    applies: compileApplicability(track.applies),
    // Check positions in the results array; -1 for a name nobody defined (it cannot pass).
    levels: track.levels.map((level) => level.checks.map((name) => indexOf.get(name) ?? -1)),
  }));

  function evaluateCheck(check: CompiledCheck, input: EvaluationInput): CheckResult {
    const { spec } = check;
    if (!check.applies(input.entity)) return check.usual.notApplicable;
    const fix = spec.fix ? { fix: spec.fix } : {};
    if (spec.manual) {
      const attestation = input.attestations?.get(spec.name);
      if (!attestation) {
        return {
          check: spec.name,
          status: 'failed',
          message: 'Not attested yet: the owner attests this check.',
          ...fix,
        };
      }
      if (attestation.expiresAt <= input.now) {
        return {
          check: spec.name,
          status: 'failed',
          message: `The attestation by ${attestation.by} expired on ${attestation.expiresAt.slice(0, 10)}.`,
          ...fix,
          attestation,
        };
      }
      const passed = attestation.status === 'passed';
      return {
        check: spec.name,
        status: attestation.status,
        message:
          (passed ? spec.message.passed : spec.message.failed) ??
          `${passed ? 'Attested' : 'Attested as failing'} by ${attestation.by} until ${attestation.expiresAt.slice(0, 10)}.`,
        ...(passed ? {} : fix),
        attestation,
      };
    }
    const rule = check.rule as CompiledRule;
    if (rule.test(input.facts)) return check.usual.passed;
    for (const collector of check.collectors) {
      const error = input.factErrors?.[collector];
      if (error && input.facts[collector] === undefined) {
        return {
          check: spec.name,
          status: 'failed',
          message: `Facts from the ${collector} collector could not be collected: ${error}`,
          ...fix,
        };
      }
    }
    return check.usual.failed as CheckResult;
  }

  function usualMessage(check: CompiledCheck | undefined, status: CheckResult['status']): string | undefined {
    if (!check) return undefined;
    if (status === 'not-applicable') return NOT_APPLICABLE;
    if (status === 'passed') return check.passedMessage;
    if (!check.rule) return undefined;
    return check.spec.message.failed ?? `Expected ${check.rule.describe()}.`;
  }

  return {
    checks: new Map([...checks].map(([name, c]) => [name, c.spec])),
    compact(results) {
      return results.map((r) => {
        const usual = checks.get(r.check)?.usual;
        if (usual && (r === usual.passed || r === usual.failed || r === usual.notApplicable)) {
          return { check: r.check, status: r.status };
        }
        const out: StoredResult = { check: r.check, status: r.status, message: r.message };
        if (r.attestation) out.attestation = r.attestation;
        return out;
      });
    },
    expand(stored) {
      return stored.map((r) => {
        const check = checks.get(r.check);
        const fix = r.status === 'failed' && check?.spec.fix ? { fix: check.spec.fix } : {};
        return {
          check: r.check,
          status: r.status,
          message: r.message ?? usualMessage(check, r.status) ?? '',
          ...fix,
          ...(r.attestation ? { attestation: r.attestation } : {}),
        };
      });
    },
    tracks,
    evaluate(input) {
      const results: CheckResult[] = [];
      for (const check of checkList) results.push(evaluateCheck(check, input));
      const certifications: TrackCertification[] = [];
      for (const track of compiledTracks) {
        if (!track.applies(input.entity)) continue;
        let rank = 0;
        let broken = false;
        const levels = track.spec.levels.map((level, l) => {
          const positions = track.levels[l]!;
          const failing: string[] = [];
          for (let k = 0; k < positions.length; k++) {
            const at = positions[k]!;
            if (at === -1 || results[at]!.status === 'failed') failing.push(level.checks[k]!);
          }
          const passed = failing.length === 0;
          if (passed && !broken) rank++;
          else broken = true;
          return { name: level.name, title: level.title, passed, failing };
        });
        certifications.push({
          track: track.spec.name,
          level: rank === 0 ? null : (track.spec.levels[rank - 1]?.name ?? null),
          rank,
          levels,
        });
      }
      return { results, certifications };
    },
  };
}
