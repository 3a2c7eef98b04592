import { useState } from 'react';
import { listOf } from './toggles-model.js';

/**
 * A comma-separated list typed as text. The text is kept as typed, so a trailing
 * comma survives until the next value is written.
 */
export function ListInput({
  values,
  onChange,
  label,
  placeholder,
  testId,
}: {
  values: string[];
  onChange: (values: string[]) => void;
  label: string;
  placeholder?: string;
  testId?: string;
}) {
  const [text, setText] = useState(values.join(', '));
  return (
    <input
      className="input toggles-input"
      aria-label={label}
      placeholder={placeholder}
      data-testid={testId}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        onChange(listOf(event.target.value));
      }}
    />
  );
}
