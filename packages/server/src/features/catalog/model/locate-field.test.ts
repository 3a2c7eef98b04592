import { describe, expect, it } from 'vitest';
import { locateField } from './locate-field.js';

const doc = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
  annotations:
    backstage.io/techdocs-ref: dir:.
    'quoted.io/key': x
  links:
    - url: https://a.example
      title: A
    -
      url: https://b.example
  tags: [a, b]
spec:
  owner: team-a
  list:
  - first
  - second
`;

describe('locateField', () => {
  it.each([
    ['kind', 2],
    ['metadata.name', 4],
    ['metadata.annotations.backstage.io/techdocs-ref', 6],
    ['metadata.annotations.quoted.io/key', 7],
    ['metadata.links.0', 9],
    ['metadata.links.0.title', 10],
    ['metadata.links.1.url', 12],
    ['metadata.tags.1', 13],
    ['spec.owner', 15],
    ['spec.list.1', 18],
    ['spec.missing', 14],
  ])('%s is on line %i', (field, line) => {
    expect(locateField(doc, field, 1)).toBe(line);
  });

  it('offsets by the first line and gives undefined when nothing matches', () => {
    expect(locateField(doc, 'spec.owner', 101)).toBe(115);
    expect(locateField(doc, 'nope', 1)).toBeUndefined();
    expect(locateField(doc, '', 1)).toBeUndefined();
  });
});
