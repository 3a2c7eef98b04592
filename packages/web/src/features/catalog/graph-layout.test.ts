import { describe, expect, it } from 'vitest';
import type { EntityGraph } from './catalog-api.js';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './graph-layout.js';

const centre = 'component:default/playback-service';

function graphWith(neighbours: { ref: string; type: string; outgoing?: boolean }[]): EntityGraph {
  return {
    nodes: [
      { entityRef: centre, kind: 'component', name: 'playback-service' },
      ...neighbours.map((n) => ({ entityRef: n.ref, kind: n.ref.split(':')[0]!, name: n.ref.split('/')[1]! })),
    ],
    edges: neighbours.map((n) =>
      n.outgoing === false
        ? { source: n.ref, type: n.type, target: centre }
        : { source: centre, type: n.type, target: n.ref },
    ),
  };
}

describe('layoutGraph', () => {
  it('puts the entity in the centre and labels each edge from its side', () => {
    const layout = layoutGraph(
      graphWith([
        { ref: 'group:default/playback-squad', type: 'ownedBy' },
        { ref: 'api:default/playback-api', type: 'apiProvidedBy', outgoing: false },
      ]),
      centre,
    );
    const middle = layout.nodes.find((n) => n.centre);
    expect(middle?.entityRef).toBe(centre);
    expect(middle?.x).toBe(0);
    const labels = Object.fromEntries(layout.edges.map((e) => [e.to.entityRef, e.label]));
    expect(labels).toEqual({ 'group:default/playback-squad': 'ownedBy', 'api:default/playback-api': 'providesApi' });
  });

  it('draws one edge per neighbour even when the server sends both directions', () => {
    const graph = graphWith([{ ref: 'group:default/playback-squad', type: 'ownedBy' }]);
    graph.edges.push({ source: 'group:default/playback-squad', type: 'ownerOf', target: centre });
    const layout = layoutGraph(graph, centre);
    expect(layout.edges).toHaveLength(1);
    expect(layout.edges[0]?.label).toBe('ownedBy');
  });

  it('keeps every box apart, however many neighbours there are', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ref: `component:default/dep-${i}`, type: 'dependsOn' }));
    const few = [
      { ref: 'group:default/squad', type: 'ownedBy' },
      { ref: 'system:default/audio', type: 'partOf' },
    ];
    const layout = layoutGraph(graphWith([...many, ...few]), centre);
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT;
        expect(apart, `${a.entityRef} overlaps ${b.entityRef}`).toBe(true);
      }
    }
  });

  it('folds a large group into a summary node and labels the group once', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ref: `component:default/part-${i}`, type: 'hasPart' }));
    const layout = layoutGraph(graphWith(many), centre);
    const more = layout.nodes.find((n) => n.entityRef.startsWith('more:'));
    expect(more?.name).toBe('+19 more');
    expect(more?.missing).toBe(true);
    expect(layout.groups).toEqual([expect.objectContaining({ label: 'hasPart', count: 30 })]);
    expect(layout.edges.every((e) => !e.showLabel)).toBe(true);
  });

  it('marks neighbours the catalog does not know as missing', () => {
    const graph: EntityGraph = {
      nodes: [{ entityRef: centre, kind: 'component', name: 'playback-service' }],
      edges: [{ source: centre, type: 'dependsOn', target: 'component:default/gone' }],
    };
    const layout = layoutGraph(graph, centre);
    const gone = layout.nodes.find((n) => n.entityRef === 'component:default/gone');
    expect(gone).toMatchObject({ missing: true, name: 'gone', kind: 'component' });
  });
});
