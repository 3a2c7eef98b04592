import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../app/api-client.js';
import { BrandMark } from '../../app/brand-mark.js';
import { Loading } from '../../app/ui/status.js';
import { usePageTitle } from '../../app/use-page-title.js';
import { useAuthConfig, useDemoSignIn, useSession, useSignIn } from './auth-api.js';

/** Only same-app paths are followed after sign-in, never another origin. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/catalog';
}

export function SignInPage() {
  usePageTitle('Sign in');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const config = useAuthConfig();
  const signIn = useSignIn();
  const demo = useDemoSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  if (session.isPending) return <Loading label="Checking your session…" />;
  if (session.data) return <Navigate to={next} replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ username, password });
  };
  const busy = signIn.isPending || demo.isPending;
  const error = signIn.error ?? demo.error;

  return (
    <div className="sign-in">
      <div className="sign-in-card">
        <BrandMark size={36} large />
        <p className="muted">Who owns what, and how it all fits together.</p>

        {config.data?.demo && (
          <div className="demo-box">
            <button
              type="button"
              className="btn btn-primary btn-large"
              data-testid="demo-sign-in"
              disabled={busy}
              onClick={() => demo.mutate()}
            >
              {demo.isPending ? 'Opening the demo…' : 'Explore the demo'}
            </button>
            <p className="hint">One click, no account needed: browse a generated organisation and its software.</p>
            <div className="divider">
              <span>or sign in</span>
            </div>
          </div>
        )}

        <form onSubmit={onSubmit} className="form">
          <label>
            Username
            <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
          </label>
          <label>
            Password
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
              required
            />
          </label>
          {error && (
            <div className="state state-error" role="alert">
              {errorMessage(error)}
            </div>
          )}
          <button type="submit" className={`btn ${config.data?.demo ? '' : 'btn-primary'}`} disabled={busy}>
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </div>
  );
}
