import { Link } from 'react-router-dom';
import { EmptyState } from './ui/status.js';

export function NotFoundPage() {
  return (
    <div className="page">
      <EmptyState title="This page does not exist.">
        Check the address, or go back to the <Link to="/catalog">catalog</Link>.
      </EmptyState>
    </div>
  );
}
