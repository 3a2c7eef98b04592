import type { ReactNode } from 'react';

/** A small rounded label: tags, kinds, states. */
export function Pill({ children, tone = 'neutral' }: { children: ReactNode; tone?: string }) {
  return <span className={`pill pill-${tone}`}>{children}</span>;
}

/** Tags as a wrapping row of pills. */
export function TagList({ tags }: { tags: readonly string[] | undefined }) {
  if (!tags || tags.length === 0) return null;
  return (
    <span className="pill-row">
      {tags.map((tag) => (
        <Pill key={tag}>{tag}</Pill>
      ))}
    </span>
  );
}
