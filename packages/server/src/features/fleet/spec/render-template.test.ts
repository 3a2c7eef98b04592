import { describe, expect, it } from 'vitest';
import type { ChangeTemplate } from '../model/shift-spec.js';
import { branchNameProblem } from './branch-name.js';
import { renderChangeTemplate, TemplateError, validateChangeTemplate } from './render-template.js';

const template: ChangeTemplate = {
  title: 'Bump log-lib in {{ entity.metadata.name }}\n',
  body: 'Owner: {{ owner }}\nShift: {{ shift.name }} ({{ shift.description | default: "no description" }})',
  branch: 'backbeat/{{ shift.name }}',
  commitMessage: 'fix: {{ shift.name }} for {{ repository }}',
  author: { name: 'Backbeat', email: 'fleet@backbeat.invalid' },
  labels: ['security', '{{ entity.spec.type }}', '{% if false %}never{% endif %}'],
};

const vars = {
  shift: { name: 'bump-log-lib', owner: 'group:default/platform-squad' },
  entity: { metadata: { name: 'playback-api' }, spec: { type: 'service' } },
  owner: 'group:default/playback-squad',
  repository: 'acme/playback-api',
};

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('renderChangeTemplate', () => {
  it('renders every field with the target data', () => {
    expect(renderChangeTemplate(template, vars)).toEqual({
      title: 'Bump log-lib in playback-api',
      body: 'Owner: group:default/playback-squad\nShift: bump-log-lib (no description)',
      branch: 'backbeat/bump-log-lib',
      commitMessage: 'fix: bump-log-lib for acme/playback-api',
      labels: ['security', 'service'],
    });
  });

  it('fails on an undefined variable, naming the field', () => {
    const error = errorOf(() => renderChangeTemplate({ ...template, body: '{{ entity.metadata.nmae }}' }, vars));
    expect(error.field).toBe('change.body');
    expect(error.message).toContain('nmae');
  });

  it('fails when the rendered branch is not a valid branch name', () => {
    const error = errorOf(() =>
      renderChangeTemplate(
        { ...template, branch: 'fix/{{ entity.metadata.name }}' },
        {
          ...vars,
          entity: { metadata: { name: 'has space' } },
        },
      ),
    );
    expect(error.field).toBe('change.branch');
    expect(error.message).toContain('"fix/has space" is not a valid branch name');
  });

  it('cannot read files or walk prototypes', () => {
    expect(errorOf(() => renderChangeTemplate({ ...template, body: "{% include '/etc/passwd' %}" }, vars)).field).toBe(
      'change.body',
    );
    expect(errorOf(() => renderChangeTemplate({ ...template, body: "{% render 'x' %}" }, vars)).field).toBe(
      'change.body',
    );
    expect(errorOf(() => renderChangeTemplate({ ...template, title: '{{ entity.constructor }}' }, vars)).field).toBe(
      'change.title',
    );
  });

  it('names the label that failed', () => {
    expect(errorOf(() => renderChangeTemplate({ ...template, labels: ['ok', '{{ nope }}'] }, vars)).field).toBe(
      'change.labels[1]',
    );
  });
});

describe('validateChangeTemplate', () => {
  it('accepts a good template', () => {
    expect(validateChangeTemplate(template)).toEqual([]);
  });

  it('reports parse errors and unknown filters per field, and a bad literal branch', () => {
    const problems = validateChangeTemplate({
      ...template,
      title: 'Bump {{ shift.name',
      commitMessage: '{{ shift.name | shout }}',
      labels: ['{% include "x" %}'],
      branch: 'feature/x.lock',
    });
    expect(problems.map((p) => p.field)).toEqual([
      'change.title',
      'change.commitMessage',
      'change.labels[0]',
      'change.branch',
    ]);
  });
});

describe('branchNameProblem', () => {
  it.each(['backbeat/bump-log-lib', 'a', 'fix/v2.17.1', 'x_y-z/1'])('accepts %s', (name) => {
    expect(branchNameProblem(name)).toBeUndefined();
  });
  it.each([
    '',
    'has space',
    'a..b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    '-x',
    'x.lock',
    'a/b.lock/c',
    'x/',
    '/x',
    'a//b',
    '.hidden',
    'a/.b',
    'x.',
    'a@{b',
    '@',
    'HEAD',
    'tab\there',
  ])('rejects %j', (name) => {
    expect(branchNameProblem(name)).toBeTypeOf('string');
  });
});
