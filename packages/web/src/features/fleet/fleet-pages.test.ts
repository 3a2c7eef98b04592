import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import {
  fleetKeys,
  type ShiftDetail,
  type TargetDetail,
  type TargetPage as TargetListPage,
  type TargetRow,
} from './fleet-api.js';
import { ShiftPage } from './shift-page.js';
import { ShiftsPage } from './shifts-page.js';
import { TargetPage } from './target-page.js';

const SHIFT: ShiftDetail = {
  name: 'bump-log-lib',
  description: 'Upgrade log-lib',
  owner: 'group:default/dx-squad',
  state: 'paused',
  preview: true,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T02:00:00Z',
  appliedBy: 'user:default/jane',
  total: 3,
  merged: 1,
  totals: { pending: 1, merged: 1, 'checks-failed': 1 },
  specYaml: 'kind: Shift\n',
  warnings: ['component:default/legacy has no source location'],
  burndown: [
    { at: '2026-01-01T00:00:00Z', total: 3, merged: 0, open: 0 },
    { at: '2026-01-01T02:00:00Z', total: 3, merged: 1, open: 1 },
  ],
};

const TARGETS: TargetRow[] = (['pending', 'merged', 'checks-failed'] as const).map((state, i) => ({
  id: `t${i}`,
  entityRef: `component:default/svc-${i}`,
  repository: `org/svc-${i}`,
  owner: 'group:default/squad-a',
  state,
  checks: state === 'checks-failed' ? 'failed' : 'none',
  attempts: 1,
  updatedAt: '2026-01-01T01:00:00Z',
  wave: 'main',
  lastLog: 'npm install\nnpm test: 3 failing\n',
}));

const DETAIL: TargetDetail = {
  ...(TARGETS[2] as TargetRow),
  title: 'Upgrade log-lib in svc-2',
  body: 'log-lib below 2.17.1 is vulnerable.',
  diff: 'diff --git a/package.json b/package.json\n--- a/package.json\n+++ b/package.json\n@@ -1 +1 @@\n-"log-lib": "2.14.0"\n+"log-lib": "2.17.1"\n',
  checkLog: '$ npm test\n3 failing',
  history: [
    { at: '2026-01-01T00:00:00Z', from: null, to: 'pending', attempt: 1 },
    { at: '2026-01-01T01:00:00Z', from: 'pending', to: 'checks-failed', attempt: 1 },
  ],
  mergeable: false,
  mergeBlockedReason: 'The checks failed',
};

/** Renders a page at a path with the fleet queries already answered, as the server would. */
function render(
  path: string,
  pattern: string,
  page: () => ReactElement | null,
  firstTargetPage: TargetListPage = { items: TARGETS, total: TARGETS.length },
): string {
  const client = new QueryClient();
  client.setQueryData(fleetKeys.shifts(), [SHIFT]);
  client.setQueryData(fleetKeys.shift(SHIFT.name), SHIFT);
  client.setQueryData(fleetKeys.targets(SHIFT.name, {}), { pages: [firstTargetPage], pageParams: [undefined] });
  client.setQueryData(fleetKeys.target(SHIFT.name, DETAIL.id), DETAIL);
  const router = createMemoryRouter([{ path: pattern, element: createElement(page) }], { initialEntries: [path] });
  return renderToString(createElement(QueryClientProvider, { client }, createElement(RouterProvider, { router })));
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('fleet pages', () => {
  it('lists shifts with state, preview flag and merged/total', () => {
    const html = render('/fleet', '/fleet', ShiftsPage);
    expect(html).toContain('href="/fleet/bump-log-lib"');
    expect(text(html)).toMatch(/paused preview 1 \/ 3/);
    expect(html).toContain('aria-label="1 of 3 merged"');
  });

  it('shows a shift: controls for its state, totals, warnings, burndown and the target table', () => {
    const html = render('/fleet/bump-log-lib', '/fleet/:name', ShiftPage);
    const plain = text(html);
    expect(plain).toContain('Resume');
    expect(plain).not.toContain('Pause');
    expect(plain).toContain('component:default/legacy has no source location');
    expect(plain).toMatch(/pending 1 checks-failed 1 merged 1/);
    expect(html).toContain('data-testid="burndown-chart"');
    expect(html.match(/data-testid="target-row"/g)).toHaveLength(3);
    expect(html).toContain('href="/fleet/bump-log-lib/targets/t2"');
    expect(plain).toContain('npm test: 3 failing');
    expect(plain).toContain('Retry failed ( 1 )');
  });

  it('shows the first page of a large shift with the count of all its targets and a way to the next page', () => {
    const html = render('/fleet/bump-log-lib', '/fleet/:name', ShiftPage, {
      items: TARGETS,
      nextCursor: 'next',
      total: 450,
    });
    expect(html.match(/data-testid="target-row"/g)).toHaveLength(3);
    expect(text(html)).toContain('3 of 450 targets');
    expect(text(html)).toContain('Show more (447 left)');
    expect(text(render('/fleet/bump-log-lib', '/fleet/:name', ShiftPage))).not.toContain('Show more');
  });

  it('shows a change request with history, check log, coloured diff and a disabled merge button', () => {
    const html = render('/fleet/bump-log-lib/targets/t2', '/fleet/:name/targets/:id', TargetPage);
    const plain = text(html);
    expect(plain).toContain('Upgrade log-lib in svc-2');
    expect(plain).toContain('The checks failed');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="merge-button"/);
    expect(html).toMatch(/class="diff-line-add"[^>]*>.*2\.17\.1/);
    expect(html).toMatch(/class="diff-line-remove"[^>]*>.*2\.14\.0/);
    expect(plain).toMatch(/pending → checks-failed/);
    expect(plain).toContain('3 failing');
  });
});
