import type { Ring, VersionRule } from './radar-api.js';

/**
 * The pill tone of a ring.
 *
 * @example
 * ringTone('hold') // 'danger'
 */
export function ringTone(ring: Ring): string {
  return { adopt: 'ok', trial: 'info', assess: 'warn', hold: 'danger' }[ring];
}

/**
 * A version rule in words.
 *
 * @example
 * describeVersionRule({ ring: 'hold', below: '2.17.1' }) // 'HOLD below 2.17.1'
 */
export function describeVersionRule(rule: VersionRule): string {
  const parts = [
    rule.atLeast !== undefined && `from ${rule.atLeast}`,
    rule.below !== undefined && `below ${rule.below}`,
  ];
  return `${rule.ring.toUpperCase()} ${parts.filter(Boolean).join(' and ')}`;
}
