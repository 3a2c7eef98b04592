import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { catalogEntityPath } from '../../app/entity-refs.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { useEntityGraph } from './catalog-api.js';
import { type GraphLayout, layoutGraph, NODE_HEIGHT, NODE_WIDTH, type PlacedNode } from './graph-layout.js';

/** The entity's neighbourhood as an SVG picture; click a node to open it. */
export function RelationsGraph(props: { kind: string; namespace: string; name: string }) {
  const { kind, namespace, name } = props;
  const graph = useEntityGraph(kind, namespace, name, 1);
  const centreRef = `${kind}:${namespace}/${name}`.toLowerCase();
  const layout = useMemo(() => (graph.data ? layoutGraph(graph.data, centreRef) : undefined), [graph.data, centreRef]);

  if (graph.isPending) return <Loading label="Drawing relations…" />;
  if (graph.isError) return <ErrorState error={graph.error} onRetry={() => graph.refetch()} />;
  if (!layout || layout.nodes.length <= 1) {
    return (
      <EmptyState title="No relations yet.">
        Relations come from fields such as <code>spec.owner</code>, <code>spec.system</code>,{' '}
        <code>spec.dependsOn</code> and <code>spec.providesApis</code> in the descriptor.
      </EmptyState>
    );
  }
  return <GraphPicture layout={layout} />;
}

function GraphPicture({ layout }: { layout: GraphLayout }) {
  const navigate = useNavigate();
  const { x, y, width, height } = layout.viewBox;

  return (
    <div className="graph-frame">
      <svg
        className="graph"
        viewBox={`${x} ${y} ${width} ${height}`}
        style={{ maxWidth: Math.max(width, 520), aspectRatio: `${width} / ${height}` }}
        role="img"
        aria-label="Relations graph"
        data-testid="relations-graph"
      >
        <defs>
          <marker
            id="graph-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0 0L10 5L0 10z" className="graph-arrowhead" />
          </marker>
        </defs>
        {layout.edges.map((edge) => {
          const end = clipToNode(edge.from, edge.to);
          const start = clipToNode(edge.to, edge.from);
          // The label sits in the middle of the visible part of the line, between the two boxes.
          const mx = (start.x + end.x) / 2;
          const my = (start.y + end.y) / 2;
          return (
            <g
              key={`${edge.from.entityRef}>${edge.to.entityRef}`}
              className={edge.secondary ? 'graph-edge secondary' : 'graph-edge'}
            >
              <title>{`${edge.from.name} ${edge.label} ${edge.to.name}`}</title>
              <line
                x1={edge.from.x}
                y1={edge.from.y}
                x2={end.x}
                y2={end.y}
                markerEnd={edge.secondary ? undefined : 'url(#graph-arrow)'}
              />
              {edge.showLabel && <EdgeLabel x={mx} y={my} text={edge.label} />}
            </g>
          );
        })}
        {layout.groups.map((group) => (
          <EdgeLabel key={group.label} x={group.x} y={group.y} text={`${group.label} (${group.count})`} strong />
        ))}
        {layout.nodes.map((node) => {
          const clickable = !node.centre && !node.missing;
          const path = catalogEntityPath(node.entityRef);
          const props = {
            className: `graph-node kind-${node.kind.toLowerCase()}${node.centre ? ' centre' : ''}${node.missing ? ' missing' : ''}`,
            transform: `translate(${node.x - NODE_WIDTH / 2} ${node.y - NODE_HEIGHT / 2})`,
            'data-testid': 'graph-node',
            'data-entity-ref': node.entityRef,
          };
          return clickable ? (
            <a
              key={node.entityRef}
              {...props}
              href={path}
              onClick={(event) => {
                // A plain click stays in the app; modified clicks open a tab as any link would.
                if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                event.preventDefault();
                navigate(path);
              }}
            >
              <NodeBody node={node} />
            </a>
          ) : (
            <g key={node.entityRef} {...props}>
              <NodeBody node={node} />
            </g>
          );
        })}
      </svg>
      <p className="muted small graph-hint">
        Click an entity to open it. Arrows point from this entity to its relations.
      </p>
    </div>
  );
}

function NodeBody({ node }: { node: PlacedNode }) {
  return (
    <>
      <title>{nodeTooltip(node)}</title>
      <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx="9" />
      <rect className="graph-node-band" width="5" height={NODE_HEIGHT} rx="2" />
      <text x="14" y="17" className="graph-node-kind">
        {node.kind.toLowerCase()}
        {node.missing && !isOverflow(node) ? ' · missing' : ''}
      </text>
      <text x="14" y="34" className="graph-node-name">
        {truncate(node.title || node.name, 22)}
      </text>
    </>
  );
}

/** The summary node standing in for the part of a large group that is not drawn. */
function isOverflow(node: PlacedNode): boolean {
  return node.entityRef.startsWith('more:');
}

function nodeTooltip(node: PlacedNode): string {
  if (isOverflow(node)) return `${node.name} not drawn; see the Overview tab for the full list`;
  return node.missing ? `${node.entityRef} (not in the catalog)` : node.entityRef;
}

function EdgeLabel({ x, y, text, strong = false }: { x: number; y: number; text: string; strong?: boolean }) {
  const width = text.length * 6.3 + 14;
  return (
    <g className={`graph-label${strong ? ' strong' : ''}`} transform={`translate(${x} ${y})`}>
      <rect x={-width / 2} y={-10} width={width} height={20} rx={10} />
      <text textAnchor="middle" y={4}>
        {text}
      </text>
    </g>
  );
}

/** Where the line from `from` meets the border of `to`'s box, so the arrowhead stays visible. */
function clipToNode(from: PlacedNode, to: PlacedNode): { x: number; y: number } {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  if (dx === 0 && dy === 0) return to;
  const sx = dx === 0 ? Number.POSITIVE_INFINITY : NODE_WIDTH / 2 / Math.abs(dx);
  const sy = dy === 0 ? Number.POSITIVE_INFINITY : NODE_HEIGHT / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: to.x - dx * s, y: to.y - dy * s };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
