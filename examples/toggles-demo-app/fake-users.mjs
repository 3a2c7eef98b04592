/**
 * Fake visitors of a checkout page: user ids from a fixed pool (so the same user
 * comes back and keeps their bucket), a country and an app version, with the
 * Nordic countries and app 4.2+ common enough that the targeted demo flag fires.
 */

const COUNTRIES = ['SE', 'NO', 'DK', 'FI', 'DE', 'GB', 'US', 'FR', 'ES', 'NL'];
const APP_VERSIONS = ['4.0.3', '4.1.0', '4.2.0', '4.2.1', '4.3.0', '5.0.0-beta.1'];

/**
 * A deterministic generator (mulberry32), so a run with the same seed sends the same users.
 *
 * @param {number} seed
 * @returns {() => number} numbers in [0, 1)
 */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Returns a function that makes the next fake user's toggle context.
 *
 * @example
 * const next = fakeUsers({ seed: 1, pool: 5000 });
 * next(); // { userId: '1234', sessionId: 's-…', properties: { country: 'SE', appVersion: '4.2.1' } }
 *
 * @param {{ seed?: number, pool?: number }} [options]
 */
export function fakeUsers(options = {}) {
  const next = random(options.seed ?? Date.now());
  const pool = options.pool ?? 5000;
  const pick = (list) => list[Math.floor(next() * list.length)];
  return () => {
    const userId = String(1 + Math.floor(next() * pool));
    return {
      userId,
      sessionId: `s-${userId}-${Math.floor(next() * 4)}`,
      properties: { country: pick(COUNTRIES), appVersion: pick(APP_VERSIONS) },
    };
  };
}
