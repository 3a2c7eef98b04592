/**
 * A Shift document for tests, owned by the demo's developer-experience squad.
 * `targets` lists the `spec.targets` lines, `steps` the `spec.steps` lines, and
 * `rollout` / `automerge` the lines under those keys, each already indented for
 * its place (two spaces deeper than the key), so a test reads like the YAML it sends.
 *
 * @example
 * shiftYaml({ name: 'bump', targets: ['filter:', '  tag: [node]'], steps: ['- type: command', '  run: true'] })
 */
export function shiftYaml(options: {
  name: string;
  targets: string[];
  steps: string[];
  title?: string;
  rollout?: string[];
  automerge?: string[];
}): string {
  const nested = (key: string, lines: string[] | undefined) =>
    lines?.length ? [`  ${key}:`, ...lines.map((line) => `    ${line}`)] : [];
  return [
    'apiVersion: backbeat.dev/v1',
    'kind: Shift',
    'metadata:',
    `  name: ${options.name}`,
    '  owner: group:default/developer-experience-squad',
    'spec:',
    ...nested('targets', options.targets),
    ...nested('steps', options.steps),
    '  change:',
    `    title: ${JSON.stringify(options.title ?? '{{ shift.name }} in {{ entity.metadata.name }}')}`,
    ...nested('rollout', options.rollout),
    ...nested('automerge', options.automerge),
  ].join('\n');
}

/** Target lines selecting exactly `refs` (a filter that matches nothing, plus an include list). */
export function onlyTargets(refs: readonly string[]): string[] {
  return ['filter:', '  kind: [component]', '  tag: [no-such-tag]', 'include:', ...refs.map((r) => `  - ${r}`)];
}

/** Step lines that mark a repository's catalog entity deprecated: one edited line in catalog-info.yaml. */
export const DEPRECATE_LIFECYCLE_STEPS = [
  '- type: replace',
  '  files: catalog-info.yaml',
  '  pattern: "lifecycle: \\\\w+"',
  '  replacement: "lifecycle: deprecated"',
];
