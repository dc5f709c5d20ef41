// Toolbar actions of the canvas next to undo / redo: group the selection, add a note, arrange.
import type { ReactNode } from 'react';
export interface CanvasToolsProps {
  onGroup(): void;
  onNote(): void;
  /** Lay the selection (or everything) out left to right. */
  onArrange(): void;
  /** More actions (arrange, export, import …). */
  children?: ReactNode;
}

export function CanvasTools({ onGroup, onNote, onArrange, children }: CanvasToolsProps) {
  return (
    <div className="nw-toolbar-group" role="group" aria-label="Canvas tools">
      <button type="button" className="nw-tool" data-testid="tool-group" title="Frame the selected nodes in a group" onClick={onGroup}>
        Group
      </button>
      <button type="button" className="nw-tool" data-testid="tool-note" title="Add a markdown note" onClick={onNote}>
        Note
      </button>
      <button type="button" className="nw-tool" data-testid="tool-arrange" title="Lay the selection (or the whole graph) out left to right" onClick={onArrange}>
        Arrange
      </button>
      {children}
    </div>
  );
}
