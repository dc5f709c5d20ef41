// STUB — replaced by the preview renderers.
export interface PreviewViewProps {
  /** A value preview as the worker sends it: {kind, type, ...} (see docs/core.md). */
  preview: Record<string, unknown>;
  /** Small rendering for a node card; the inspector uses the full one. */
  compact?: boolean;
}

export function PreviewView({ preview }: PreviewViewProps) {
  return <span data-testid="preview" data-kind={String(preview.kind)}>{JSON.stringify(preview.value ?? null)}</span>;
}
