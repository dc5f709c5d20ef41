// Toolbar actions of the canvas next to undo / redo: group the selection, add a note.
import type { ReactNode } from 'react';
export interface CanvasToolsProps {
  onGroup(): void;
  onNote(): void;
  /** More actions (arrange, export, import …). */
  children?: ReactNode;
}

export function CanvasTools({ onGroup, onNote, children }: CanvasToolsProps) {
  return (
    <div className="nw-toolbar-group" role="group" aria-label="Canvas tools">
      <button type="button" className="nw-tool" data-testid="tool-group" title="Frame the selected nodes in a group" onClick={onGroup}>
        Group
      </button>
      <button type="button" className="nw-tool" data-testid="tool-note" title="Add a markdown note" onClick={onNote}>
        Note
      </button>
      {children}
    </div>
  );
}
