/** The Backbeat logo and name, as in the sidebar and on the sign-in card. */
export function BrandMark({ size = 26, large = false }: { size?: number; large?: boolean }) {
  return (
    <div className={large ? 'brand brand-large' : 'brand'}>
      <svg viewBox="0 0 32 32" width={size} height={size} aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--accent)" />
        <path
          d="M7 20h4l3-9 4 14 3-8h4"
          fill="none"
          stroke="#fff"
          strokeWidth="2.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <span>Backbeat</span>
    </div>
  );
}
