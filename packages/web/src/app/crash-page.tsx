import { Link, useRouteError } from 'react-router-dom';
import { errorMessage } from './api-client.js';

/** Shown when a page throws while rendering: say so plainly and offer a way back. */
export function CrashPage() {
  const error = useRouteError();
  return (
    <div className="sign-in">
      <div className="sign-in-card">
        <h1>This page failed to load.</h1>
        <p className="muted">{errorMessage(error)}</p>
        <p>
          <Link to="/catalog">Back to the catalog</Link> or{' '}
          <button type="button" className="link-button" onClick={() => window.location.reload()}>
            reload
          </button>
          .
        </p>
      </div>
    </div>
  );
}
