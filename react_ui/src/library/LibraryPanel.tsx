// STUB — replaced by the library panel.
import type { LibraryResult } from '../protocol/generated';

/** dataTransfer type of a node dragged from the library onto the canvas (value: node id). */
export const NODE_DRAG_TYPE = 'application/x-nodeweave-node';

export interface LibraryPanelProps {
  library: LibraryResult | null;
  /** Add a node of this type (library id) to the canvas. */
  onAdd(nodeId: string): void;
}

export function LibraryPanel({ library }: LibraryPanelProps) {
  return <section data-testid="library-panel">{library ? library.shelves.length : 0} shelves</section>;
}
