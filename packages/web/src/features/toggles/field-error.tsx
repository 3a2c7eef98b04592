import { errorAt } from './toggles-model.js';

/** The server's message for one field, shown under its input. */
export function FieldError({ errors, path }: { errors: Record<string, string>; path: string }) {
  const message = errorAt(errors, path);
  if (!message) return null;
  return (
    <div className="error-text toggles-field-error" role="alert" data-testid="field-error" data-field={path}>
      {message}
    </div>
  );
}
