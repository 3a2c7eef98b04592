import type { EntityGraph, GraphNode } from './catalog-api.js';

/** Backstage's paired relation types, so an edge pointing at the centre reads from the centre's side. */
const INVERSE: Record<string, string> = {
  ownedBy: 'ownerOf',
  ownerOf: 'ownedBy',
  partOf: 'hasPart',
  hasPart: 'partOf',
  dependsOn: 'dependencyOf',
  dependencyOf: 'dependsOn',
  providesApi: 'apiProvidedBy',
  apiProvidedBy: 'providesApi',
  consumesApi: 'apiConsumedBy',
  apiConsumedBy: 'consumesApi',
  memberOf: 'hasMember',
  hasMember: 'memberOf',
  childOf: 'parentOf',
  parentOf: 'childOf',
};

/** Relation groups in a fixed order, so the picture of an entity is stable between visits. */
const ORDER = [
  'ownedBy',
  'partOf',
  'childOf',
  'memberOf',
  'providesApi',
  'consumesApi',
  'dependsOn',
  'dependencyOf',
  'apiProvidedBy',
  'apiConsumedBy',
  'hasPart',
  'parentOf',
  'hasMember',
  'ownerOf',
];

export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 46;

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  centre: boolean;
}

export interface PlacedEdge {
  from: PlacedNode;
  to: PlacedNode;
  label: string;
  /** Whether the edge carries its own label (small groups) or relies on the group's. */
  showLabel: boolean;
  /** An edge between two neighbours, not touching the centre. */
  secondary: boolean;
}

export interface PlacedGroup {
  label: string;
  count: number;
  x: number;
  y: number;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  groups: PlacedGroup[];
  viewBox: { x: number; y: number; width: number; height: number };
}

const LABEL_EACH_EDGE_UP_TO = 3;
const MAX_PER_GROUP = 12;
/** A node's footprint with breathing room: the unit of spacing on the ellipse. */
const SLOT_W = NODE_WIDTH + 24;
const SLOT_H = NODE_HEIGHT + 16;
const ASPECT = SLOT_W / SLOT_H;
const MIN_RY = 150;
const TWO_RINGS_FROM = 18;
const OUTER_RING = 1.32;

/**
 * Radial layout: the centre entity in the middle, neighbours on an ellipse
 * (wider than tall, since nodes are wide), each relation type owning one arc.
 *
 * @example
 * const layout = layoutGraph(graph, 'component:default/checkout');
 */
export function layoutGraph(graph: EntityGraph, centreRef: string): GraphLayout {
  const byRef = new Map(graph.nodes.map((node) => [node.entityRef.toLowerCase(), withName(node)]));
  const centreKey = centreRef.toLowerCase();
  const centreNode: GraphNode = byRef.get(centreKey) ?? {
    entityRef: centreKey,
    kind: centreKey.split(':')[0] ?? '',
    name: centreKey,
  };
  const centre: PlacedNode = { ...centreNode, x: 0, y: 0, centre: true };

  // One label per neighbour, read from the centre's side; outgoing edges win over their inverse.
  const labelOf = new Map<string, string>();
  for (const edge of graph.edges) {
    const source = edge.source.toLowerCase();
    const target = edge.target.toLowerCase();
    if (source === centreKey && target !== centreKey) labelOf.set(target, edge.type);
  }
  for (const edge of graph.edges) {
    const source = edge.source.toLowerCase();
    const target = edge.target.toLowerCase();
    if (target === centreKey && source !== centreKey && !labelOf.has(source)) {
      labelOf.set(source, INVERSE[edge.type] ?? `← ${edge.type}`);
    }
  }
  for (const key of byRef.keys()) if (key !== centreKey && !labelOf.has(key)) labelOf.set(key, 'related');

  const groupsByLabel = new Map<string, GraphNode[]>();
  for (const [key, label] of labelOf) {
    const node = byRef.get(key) ?? {
      entityRef: key,
      kind: key.split(':')[0] ?? '',
      name: key.split('/').pop() ?? key,
      missing: true,
    };
    const list = groupsByLabel.get(label) ?? [];
    list.push(node);
    groupsByLabel.set(label, list);
  }
  const rank = (label: string) => {
    const index = ORDER.indexOf(label);
    return index === -1 ? ORDER.length : index;
  };
  const groupList = [...groupsByLabel.entries()]
    .map(([label, nodes]) => ({
      label,
      nodes: nodes.sort((a, b) => (a.title || a.name).localeCompare(b.title || b.name, undefined, { numeric: true })),
    }))
    .sort((a, b) => rank(a.label) - rank(b.label) || a.label.localeCompare(b.label));

  // Large groups are cut to a readable size; a summary node stands for the rest.
  for (const group of groupList) {
    if (group.nodes.length > MAX_PER_GROUP) {
      const hidden = group.nodes.length - (MAX_PER_GROUP - 1);
      group.nodes = [
        ...group.nodes.slice(0, MAX_PER_GROUP - 1),
        { entityRef: `more:${group.label}`, kind: group.label, name: `+${hidden} more`, missing: true },
      ];
    }
  }

  // One slot per node plus a gap between groups, walked clockwise from the top.
  const gap = groupList.length > 1 ? 0.8 : 0;
  const total = groupList.reduce((sum, group) => sum + group.nodes.length, 0);
  const slots = Math.max(total + gap * groupList.length, 1);
  const angles: number[] = [];
  const spans: { mid: number; span: number }[] = [];
  let cursor = -Math.PI / 2 - (Math.PI * (groupList[0]?.nodes.length ?? 1)) / slots;
  for (const group of groupList) {
    const step = (Math.PI * 2) / slots;
    group.nodes.forEach((_, index) => {
      angles.push(cursor + step * (index + 0.5));
    });
    spans.push({ mid: cursor + (step * group.nodes.length) / 2, span: step * group.nodes.length });
    cursor += step * (group.nodes.length + gap);
  }

  // The ellipse's axes follow the node's aspect ratio, so spacing is even in "boxes";
  // crowded pictures alternate between two rings. Grow until no two boxes overlap.
  const twoRings = total > TWO_RINGS_FROM;
  const ringScale = (index: number) => (twoRings && index % 2 === 1 ? OUTER_RING : 1);
  let ry = Math.max(MIN_RY, (SLOT_H * (twoRings ? total / 2 : total)) / (Math.PI * 2));
  let points = place(angles, ry, ringScale);
  for (let attempt = 0; attempt < 40 && overlaps(points); attempt++) {
    ry *= 1.08;
    points = place(angles, ry, ringScale);
  }
  const rx = ry * ASPECT;

  const nodes: PlacedNode[] = [centre];
  const edges: PlacedEdge[] = [];
  const groups: PlacedGroup[] = [];
  let slot = 0;
  groupList.forEach((group, groupIndex) => {
    for (const node of group.nodes) {
      const point = points[slot++] ?? { x: 0, y: 0 };
      const placed: PlacedNode = { ...node, x: point.x, y: point.y, centre: false };
      nodes.push(placed);
      edges.push({
        from: centre,
        to: placed,
        label: group.label,
        showLabel: group.nodes.length <= LABEL_EACH_EDGE_UP_TO,
        secondary: false,
      });
    }
    const mid = spans[groupIndex]?.mid ?? 0;
    if (group.nodes.length > LABEL_EACH_EDGE_UP_TO) {
      const count = group.nodes.reduce((sum, n) => sum + (n.entityRef.startsWith('more:') ? moreCount(n.name) : 1), 0);
      groups.push({ label: group.label, count, x: Math.cos(mid) * rx * 0.45, y: Math.sin(mid) * ry * 0.45 });
    }
  });

  // Edges between neighbours are drawn faintly, once per pair.
  const placedByRef = new Map(nodes.map((node) => [node.entityRef.toLowerCase(), node]));
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    const a = edge.source.toLowerCase();
    const b = edge.target.toLowerCase();
    if (a === centreKey || b === centreKey) continue;
    const pair = [a, b].sort().join('|');
    const from = placedByRef.get(a);
    const to = placedByRef.get(b);
    if (!from || !to || seen.has(pair)) continue;
    seen.add(pair);
    edges.push({ from, to, label: edge.type, showLabel: false, secondary: true });
  }

  const pad = 24;
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const minX = Math.min(...xs) - NODE_WIDTH / 2 - pad;
  const maxX = Math.max(...xs) + NODE_WIDTH / 2 + pad;
  const minY = Math.min(...ys) - NODE_HEIGHT / 2 - pad;
  const maxY = Math.max(...ys) + NODE_HEIGHT / 2 + pad;
  return { nodes, edges, groups, viewBox: { x: minX, y: minY, width: maxX - minX, height: maxY - minY } };
}

function place(angles: number[], ry: number, ringScale: (index: number) => number): { x: number; y: number }[] {
  const rx = ry * ASPECT;
  return angles.map((angle, index) => ({
    x: Math.cos(angle) * rx * ringScale(index),
    y: Math.sin(angle) * ry * ringScale(index),
  }));
}

/** Whether any two boxes (or a box and the centre) would touch. */
function overlaps(points: { x: number; y: number }[]): boolean {
  const all = [{ x: 0, y: 0 }, ...points];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!;
      const b = all[j]!;
      if (Math.abs(a.x - b.x) < SLOT_W - 8 && Math.abs(a.y - b.y) < SLOT_H - 6) return true;
    }
  }
  return false;
}

function moreCount(name: string): number {
  return Number.parseInt(name.replace(/\D/g, ''), 10) || 0;
}

/** A node always has a kind and a name to show, even when the server sent only its ref. */
function withName(node: GraphNode): GraphNode {
  const ref = node.entityRef.toLowerCase();
  return {
    ...node,
    kind: node.kind || (ref.split(':')[0] ?? ''),
    name: node.name || (ref.split('/').pop() ?? ref),
  };
}
