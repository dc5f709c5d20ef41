// The mark of a composite node (two stacked frames): on its card, in the library, in the
// breadcrumb. An SVG, so it looks the same whatever fonts the system has.
export function CompositeIcon({ size = 12, className }: { size?: number; className?: string }) {
  return (
    <svg className={className} width={size} height={size} viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <rect x="3.5" y="0.75" width="7.75" height="7.75" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <rect x="0.75" y="3.5" width="7.75" height="7.75" rx="1.5" fill="var(--panel, #fff)" stroke="currentColor" strokeWidth="1.3" />
    </svg>
  );
}
