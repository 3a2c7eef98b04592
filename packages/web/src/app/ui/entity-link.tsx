import { Link } from 'react-router-dom';
import { entityPath, shortRef } from '../entity-refs.js';

/** A link to the page of an entity ref, labelled with its title or short ref. */
export function EntityLink({
  entityRef,
  title,
  defaultKind,
}: {
  entityRef: string;
  title?: string;
  defaultKind?: string;
}) {
  return <Link to={entityPath(entityRef)}>{title || shortRef(entityRef, defaultKind ?? guessKind(entityRef))}</Link>;
}

function guessKind(ref: string): string | undefined {
  const colon = ref.indexOf(':');
  return colon > 0 ? ref.slice(0, colon).toLowerCase() : undefined;
}
