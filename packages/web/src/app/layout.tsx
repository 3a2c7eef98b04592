import { Navigate, NavLink, Outlet, useLocation } from 'react-router-dom';
import { useSession, useSignOut } from '../features/auth/auth-api.js';
import { BrandMark } from './brand-mark.js';
import { GlobalSearch } from './global-search.js';
import { ErrorState, Loading } from './ui/status.js';

const NAV = [
  { to: '/catalog', label: 'Catalog', icon: 'M4 5h16M4 12h16M4 19h10' },
  { to: '/org', label: 'Organisation', icon: 'M12 4v5M6 14v-2h12v2M6 14v4M12 9v9M18 14v4' },
  {
    to: '/locations',
    label: 'Locations',
    icon: 'M12 21s-6-5.3-6-11a6 6 0 1 1 12 0c0 5.7-6 11-6 11zM12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5',
  },
  { to: '/fleet', label: 'Fleet', icon: 'M4 7h10M4 12h16M4 17h7M17 4l3 3-3 3M14 14l3 3-3 3' },
  { to: '/health', label: 'Tech health', icon: 'M3 12h4l2.5-6 4 12 2.5-6H21' },
  {
    to: '/radar',
    label: 'Tech radar',
    icon: 'M12 21a9 9 0 1 1 0-18 9 9 0 0 1 0 18zM12 16a4 4 0 1 1 0-8 4 4 0 0 1 0 8zM12 3v18M3 12h18',
  },
  {
    to: '/toggles',
    label: 'Feature toggles',
    icon: 'M7 7h10a5 5 0 0 1 0 10H7A5 5 0 0 1 7 7zM17 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6',
  },
  { to: '/audit', label: 'Audit log', icon: 'M7 3h8l4 4v14H7zM10 11h6M10 15h6' },
];

/** The signed-in shell: left navigation, top bar with search and the current user, then the page. */
export function AppLayout() {
  const session = useSession();
  const location = useLocation();
  const signOut = useSignOut();

  if (session.isPending) return <Loading label="Checking your session…" />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => session.refetch()} />;
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }

  const me = session.data;
  return (
    <div className="shell">
      <aside className="sidebar">
        <BrandMark />
        <nav aria-label="Main">
          {NAV.map((item) => (
            <NavLink key={item.to} to={item.to} className="nav-link">
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path
                  d={item.icon}
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.8"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                />
              </svg>
              {item.label}
            </NavLink>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <GlobalSearch />
          <div className="user" data-testid="current-user">
            <span className="avatar" aria-hidden="true">
              {initials(me.displayName)}
            </span>
            <span className="user-name">
              {me.displayName}
              {me.isAdmin && <span className="muted"> · admin</span>}
            </span>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => signOut.mutate()}>
              Sign out
            </button>
          </div>
        </header>
        <main className="content">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}
