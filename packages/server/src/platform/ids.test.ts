import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('makes unique, sortable ULIDs whose random part varies', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    // Made one after the other, they sort in creation order (monotonic within a millisecond).
    expect([...ids].sort()).toEqual(ids);
    // The pooled random source is not stuck: ids from different milliseconds have different random parts.
    const later = newId();
    const randomParts = new Set([ids[0], later].map((id) => id!.slice(10)));
    expect(randomParts.size).toBe(2);
  });
});
