import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { toYaml, toYamlDocuments, type YamlValue } from './yaml.js';

describe('toYaml', () => {
  it('round-trips values that plain YAML would read as another type', () => {
    const value: YamlValue = {
      bool: 'true',
      no: 'no',
      on: 'on',
      num: '42',
      float: '1.0',
      version: '2.17.1',
      date: '2025-01-06',
      nil: 'null',
      tilde: '~',
      empty: '',
      colon: 'PostgreSQL: ledgers',
      hash: 'a #comment',
      at: '@cadence/ui-kit',
      star: '* @cadence/squad',
      quote: 'say "hi"',
      unicode: 'Sofía Márquez',
      'backstage.io/techdocs-ref': 'dir:.',
      trailing: 'ends with space ',
      realNumber: 3,
      realBool: false,
      realNull: null,
    };
    expect(yaml.load(toYaml(value))).toEqual(value);
  });

  it('writes nested objects, arrays of objects, nested arrays and empty collections', () => {
    const value: YamlValue = {
      list: [{ a: 1, b: [1, 2] }, [3, 4], 'x', []],
      empty: {},
      none: [],
      deep: { one: { two: { three: ['x'] } } },
    };
    expect(yaml.load(toYaml(value))).toEqual(value);
  });

  it('writes multi-line strings as block literals that keep their text', () => {
    const value = { a: 'line one\n  indented\n\nafter blank\n', b: 'no trailing newline\nsecond', c: ['x\ny\n'] };
    const text = toYaml(value);
    expect(text).toContain('a: |\n');
    expect(text).toContain('b: |-\n');
    expect(yaml.load(text)).toEqual(value);
  });

  it('falls back to quoting for multi-line strings a block cannot hold', () => {
    const value = { a: ' leading space\nx', b: 'two trailing\n\n', c: 'trailing blank \nx', d: 'cr\r\nlf' };
    expect(yaml.load(toYaml(value))).toEqual(value);
  });

  it('joins several documents into one multi-document file', () => {
    const docs = [{ kind: 'Group' }, { kind: 'User' }];
    expect(yaml.loadAll(toYamlDocuments(docs))).toEqual(docs);
  });

  it('drops undefined object fields', () => {
    expect(yaml.load(toYaml({ a: 1, b: undefined }))).toEqual({ a: 1 });
  });
});
