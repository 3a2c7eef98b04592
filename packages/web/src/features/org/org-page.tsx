import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { entityPath } from '../../app/entity-refs.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { buildOrgForest, type OrgTreeItem, type OrgTreeNode, useOrgTree } from './org-api.js';

/** The organisation: departments, tribes and squads as a tree; chapters and guilds beside it. */
export function OrgPage() {
  usePageTitle('Organisation');
  const tree = useOrgTree();
  const forest = useMemo(() => (tree.data ? buildOrgForest(tree.data) : undefined), [tree.data]);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Organisation</h1>
          <p className="muted">Who reports where, and the chapters and guilds that cut across teams.</p>
        </div>
      </div>
      {tree.isPending && <Loading />}
      {tree.isError && <ErrorState error={tree.error} onRetry={() => tree.refetch()} />}
      {forest && forest.roots.length === 0 && forest.crossCutting.length === 0 && (
        <EmptyState title="No groups in the catalog yet.">
          Describe your teams as <code>kind: Group</code> entities with <code>spec.type</code> (department, tribe,
          squad, chapter, guild) and <code>spec.parent</code>, and <Link to="/locations">register</Link> the repository
          that holds them.
        </EmptyState>
      )}
      {forest && (forest.roots.length > 0 || forest.crossCutting.length > 0) && (
        <div className="grid-2 org-grid">
          <section className="card">
            <h2>Reporting line</h2>
            <ul className="tree" data-testid="org-tree">
              {forest.roots.map((node) => (
                <TreeNode key={node.entityRef} node={node} depth={0} />
              ))}
            </ul>
          </section>
          <section className="card">
            <h2>Chapters and guilds</h2>
            {forest.crossCutting.length === 0 ? (
              <p className="muted">None yet. Chapters and guilds are groups with that spec.type.</p>
            ) : (
              <ul className="plain-list">
                {forest.crossCutting.map((item) => (
                  <GroupLine key={item.entityRef} item={item} />
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </div>
  );
}

function TreeNode({ node, depth }: { node: OrgTreeNode; depth: number }) {
  const [open, setOpen] = useState(depth < 2);
  return (
    <li>
      <div className="tree-row">
        {node.children.length > 0 ? (
          <button
            type="button"
            className="tree-toggle"
            aria-expanded={open}
            aria-label={open ? 'Collapse' : 'Expand'}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="tree-toggle" />
        )}
        <GroupLabel item={node} />
      </div>
      {open && node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <TreeNode key={child.entityRef} node={child} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

function GroupLine({ item }: { item: OrgTreeItem }) {
  return (
    <li className="tree-row">
      <GroupLabel item={item} />
    </li>
  );
}

function GroupLabel({ item }: { item: OrgTreeItem }) {
  return (
    <span className="group-label">
      <Link to={entityPath(item.entityRef)}>{item.title || item.name}</Link>
      {item.type && <Pill tone={`type-${item.type.toLowerCase()}`}>{item.type}</Pill>}
      <span className="muted small">
        {item.memberCount} {item.memberCount === 1 ? 'member' : 'members'} · {item.ownedCount} owned
      </span>
    </span>
  );
}
