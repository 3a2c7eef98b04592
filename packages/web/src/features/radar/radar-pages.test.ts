import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { SESSION_QUERY_KEY } from '../../app/query-client.js';
import { type EntryDetail, type RadarView, radarKeys } from './radar-api.js';
import { RadarEntryPage } from './radar-entry-page.js';
import { RadarPage } from './radar-page.js';

const RADAR: RadarView = {
  name: 'golden-tech',
  title: 'Golden Tech',
  description: 'What we build on',
  entries: 2,
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: 'user:default/admin',
  quadrants: [
    { id: 'frameworks', name: 'Frameworks' },
    { id: 'libraries', name: 'Libraries' },
    { id: 'tools', name: 'Tools' },
    { id: 'data', name: 'Data' },
  ],
  rings: ['adopt', 'trial', 'assess', 'hold'],
  items: [
    {
      id: 'express',
      name: 'Express',
      quadrant: 'frameworks',
      ring: 'adopt',
      description: '',
      links: [],
      match: [{ ecosystem: 'npm', name: 'express' }],
      versions: [],
      adoption: { components: 3, squads: 2, versions: ['4.21.1'], byRing: { adopt: 3, trial: 0, assess: 0, hold: 0 } },
    },
    {
      id: 'log-lib',
      name: 'log-lib',
      quadrant: 'libraries',
      ring: 'hold',
      description: '',
      links: [],
      match: [{ ecosystem: 'npm', name: 'log-lib' }],
      versions: [],
      adoption: { components: 0, squads: 0, versions: [], byRing: { adopt: 0, trial: 0, assess: 0, hold: 0 } },
    },
  ],
  problems: [{ file: 'radar.yaml', line: 12, field: 'spec.entries[2].ring', message: 'must be one of adopt' }],
  yaml: 'kind: Radar\n',
};

const DETAIL: EntryDetail = {
  radar: { name: 'golden-tech', title: 'Golden Tech', quadrants: RADAR.quadrants },
  entry: {
    ...RADAR.items[0]!,
    description: 'The default HTTP framework',
    links: [{ title: 'Docs', url: 'https://expressjs.com/' }],
    versions: [{ ring: 'hold', below: '4.0.0' }],
  },
  adoption: {
    components: 2,
    squads: 1,
    versions: ['4.21.1', '3.0.0'],
    byRing: { adopt: 1, trial: 0, assess: 0, hold: 1 },
    usages: [
      {
        entityRef: 'component:default/web',
        ownerRef: 'group:default/red',
        ecosystem: 'npm',
        dependency: 'express',
        version: '4.21.1',
        ring: 'adopt',
      },
      {
        entityRef: 'component:default/old',
        ownerRef: 'group:default/red',
        ecosystem: 'npm',
        dependency: 'express',
        version: '3.0.0',
        ring: 'hold',
      },
    ],
  },
  squads: [{ ownerRef: 'group:default/red', components: 2, versions: ['3.0.0', '4.21.1'] }],
  history: [
    {
      from: 'trial',
      to: 'adopt',
      at: '2026-01-02T00:00:00Z',
      by: 'user:default/admin',
      reason: 'proven in production',
    },
    { from: null, to: 'trial', at: '2026-01-01T00:00:00Z', by: 'user:default/admin', reason: 'first radar' },
  ],
};

function render(path: string, pattern: string, page: () => ReactElement | null, isAdmin = true): string {
  const client = new QueryClient();
  client.setQueryData(SESSION_QUERY_KEY, {
    id: 'a',
    kind: 'user',
    displayName: 'A',
    userRef: null,
    isAdmin,
    scopes: [],
  });
  client.setQueryData(radarKeys.radars(), [RADAR]);
  client.setQueryData(radarKeys.radar(RADAR.name), RADAR);
  client.setQueryData(radarKeys.entry(RADAR.name, 'express'), DETAIL);
  const router = createMemoryRouter([{ path: pattern, element: createElement(page) }], { initialEntries: [path] });
  return renderToString(createElement(QueryClientProvider, { client }, createElement(RouterProvider, { router })));
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('radar pages', () => {
  it('draws the radar with a linked blip per entry, filled when the fleet uses it, and a legend', () => {
    const html = render('/radar', '/radar', RadarPage);
    expect(html).toContain('data-testid="radar-chart"');
    expect(html.match(/data-testid="radar-blip"/g)).toHaveLength(2);
    expect(html).toContain('href="/radar/golden-tech/entries/express"');
    expect(html).toContain('href="/radar/golden-tech/entries/log-lib"');
    expect(html).toMatch(/<circle[^>]*fill="#1f8a4c"[^>]*stroke="#1f8a4c"/);
    expect(html).toMatch(/<circle[^>]*fill="#ffffff"[^>]*stroke="#c4322b"/);
    const plain = text(html);
    expect(plain).toContain('Frameworks');
    expect(plain).toMatch(/1 Express adopt 3 components/);
    expect(plain).toMatch(/2 log-lib hold 0 components/);
    expect(plain).toContain('radar.yaml :12 spec.entries[2].ring : must be one of adopt');
    expect(plain).toContain('Edit radar');
  });

  it('hides the editor from people who are not admins', () => {
    expect(text(render('/radar', '/radar', RadarPage, false))).not.toContain('Edit radar');
  });

  it("shows an entry's rules, squads, components with their ring, and the ring history", () => {
    const html = render('/radar/golden-tech/entries/express', '/radar/:name/entries/:entryId', RadarEntryPage);
    const plain = text(html);
    expect(plain).toContain('HOLD below 4.0.0');
    expect(plain).toContain('The default HTTP framework');
    expect(html.match(/data-testid="entry-component-row"/g)).toHaveLength(2);
    expect(plain).toMatch(/3\.0\.0 hold/);
    expect(plain).toMatch(/trial → adopt proven in production/);
    expect(plain).toMatch(/added in trial first radar/);
    expect(html).toContain('data-testid="move-entry"');
  });
});
