import { describe, expect, it } from 'vitest';
import { normaliseEntityRef } from './entity-ref.js';
import { unsafePathReason } from './relative-path.js';
import { parseValuePath } from './value-path.js';

describe('parseValuePath', () => {
  it('reads keys, indexes and quoted keys', () => {
    expect(parseValuePath('spec.containers[0].image')).toEqual(['spec', 'containers', 0, 'image']);
    expect(parseValuePath('metadata.annotations["backstage.io/owner"]')).toEqual([
      'metadata',
      'annotations',
      'backstage.io/owner',
    ]);
    expect(parseValuePath('[2][0]')).toEqual([2, 0]);
    expect(parseValuePath('a-b.c_d')).toEqual(['a-b', 'c_d']);
  });

  it.each(['', 'a..b', '.a', 'a.', 'a[x]', 'a[0]b', 'a[', 'a]'])('rejects %j', (text) => {
    expect(parseValuePath(text)).toBeTypeOf('string');
  });
});

describe('unsafePathReason', () => {
  it.each(['deploy/service.yaml', 'package.json', '.github/workflows/ci.yml', 'a/.gitignore'])('accepts %s', (p) => {
    expect(unsafePathReason(p)).toBeUndefined();
  });
  it.each(['', '/etc/passwd', 'C:/x', '../x', 'a/../../x', '.git/config', 'sub/.GIT/hooks/x', 'a\\b', 'a\0b'])(
    'rejects %j',
    (p) => {
      expect(unsafePathReason(p)).toBeTypeOf('string');
    },
  );
});

describe('normaliseEntityRef', () => {
  it('fills kind and namespace and lowercases', () => {
    expect(normaliseEntityRef('Platform-Squad', 'group')).toBe('group:default/platform-squad');
    expect(normaliseEntityRef('ops/billing', 'component')).toBe('component:ops/billing');
    expect(normaliseEntityRef('group:default/x', 'component')).toBe('group:default/x');
  });
  it.each(['', 'a:', ':x', 'a/b/c', 'has space', 'group:/x'])('rejects %j', (ref) => {
    expect(normaliseEntityRef(ref, 'group')).toBeUndefined();
  });
});
