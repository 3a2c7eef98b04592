import { useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useCatalogSearch } from '../features/catalog/catalog-api.js';
import { entityPath } from './entity-refs.js';
import { useDebounced } from './use-debounced.js';

/**
 * The top bar's search box: suggestions from the catalog search as you type,
 * arrow keys to move, Enter to open; Enter without a suggestion searches the catalog table.
 */
export function GlobalSearch() {
  const navigate = useNavigate();
  const listId = useId();
  const boxRef = useRef<HTMLDivElement>(null);
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const term = useDebounced(text, 150);
  const search = useCatalogSearch(term, 8);
  const hits = term.trim() ? (search.data ?? []) : [];

  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (!boxRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onClick);
    return () => document.removeEventListener('mousedown', onClick);
  }, []);

  const go = (path: string) => {
    setOpen(false);
    setText('');
    navigate(path);
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, hits.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, -1));
    } else if (event.key === 'Escape') {
      setOpen(false);
    } else if (event.key === 'Enter') {
      const hit = hits[active];
      if (hit) go(entityPath(hit.entityRef));
      else if (text.trim()) go(`/catalog?q=${encodeURIComponent(text.trim())}`);
    }
  };

  const showList = open && text.trim().length > 0;
  return (
    <div className="global-search" ref={boxRef}>
      <svg className="search-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
        <path
          d="M11 18a7 7 0 1 1 0-14 7 7 0 0 1 0 14zM20 20l-4-4"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
        />
      </svg>
      <input
        type="search"
        placeholder="Search the catalog…"
        aria-label="Search the catalog"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        data-testid="global-search"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setActive(-1);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {showList && (
        <div className="search-popup" id={listId} role="listbox">
          {search.isError && <div className="search-note">Search failed. Try again.</div>}
          {search.isFetching && hits.length === 0 && <div className="search-note">Searching…</div>}
          {!search.isFetching && !search.isError && term.trim() && hits.length === 0 && (
            <div className="search-note">No matches. Press Enter to search the catalog table.</div>
          )}
          {hits.map((hit, index) => (
            <button
              type="button"
              role="option"
              aria-selected={index === active}
              key={hit.entityRef}
              className={`search-hit${index === active ? ' active' : ''}`}
              onMouseEnter={() => setActive(index)}
              onClick={() => go(entityPath(hit.entityRef))}
            >
              <span className="search-hit-main">
                <span className="search-hit-title">{hit.title || hit.name}</span>
                <span className="pill pill-kind">{hit.kind.toLowerCase()}</span>
                {hit.type && <span className="muted small">{hit.type}</span>}
              </span>
              {hit.description && <span className="search-hit-desc">{hit.description}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
