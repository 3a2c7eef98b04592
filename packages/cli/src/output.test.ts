import { describe, expect, it } from 'vitest';
import { formatFieldError, formatTable } from './output.js';

describe('formatTable', () => {
  it('pads columns to the widest cell and shows missing values as -', () => {
    const rows = [
      { ref: 'component:default/web', owner: 'team-a', tags: ['a', 'b'] },
      { ref: 'api:default/x', owner: undefined, tags: [] },
    ];
    expect(
      formatTable(rows, [
        { header: 'REF', value: (r) => r.ref },
        { header: 'OWNER', value: (r) => r.owner },
        { header: 'TAGS', value: (r) => r.tags },
      ]),
    ).toBe(
      [
        'REF                    OWNER   TAGS',
        'component:default/web  team-a  a,b',
        'api:default/x          -       -',
      ].join('\n'),
    );
  });

  it('keeps each row on one line', () => {
    expect(formatTable([{ d: 'two\nlines' }], [{ header: 'D', value: (r) => r.d }])).toBe('D\ntwo lines');
  });
});

describe('formatFieldError', () => {
  it('says the field once when the message repeats it', () => {
    expect(formatFieldError('spec.owner', 'spec.owner is required')).toBe('spec.owner: is required');
    expect(formatFieldError('a.yaml:3 spec.owner', 'spec.owner is required')).toBe('a.yaml:3 spec.owner: is required');
  });

  it('keeps messages that do not repeat the field, and messages without a field', () => {
    expect(formatFieldError('target', 'must not be empty')).toBe('target: must not be empty');
    expect(formatFieldError(undefined, 'not YAML')).toBe('not YAML');
  });
});
