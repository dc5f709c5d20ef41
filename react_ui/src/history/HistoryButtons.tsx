// Undo / redo buttons of the canvas toolbar: disabled when there is nothing to take back, the
// tooltip names the step ("Undo: Delete node (Ctrl+Z)").
import './history.css';
import { historyTitle, type HistoryInfo } from './history';

export interface HistoryButtonsProps {
  info: HistoryInfo;
  onUndo(): void;
  onRedo(): void;
}

export function HistoryButtons({ info, onUndo, onRedo }: HistoryButtonsProps) {
  return (
    <div className="nw-toolbar-group" role="group" aria-label="Edit history">
      <button
        type="button"
        className="nw-tool"
        data-testid="history-undo"
        disabled={!info.canUndo}
        title={historyTitle('undo', info)}
        aria-label={historyTitle('undo', info)}
        onClick={onUndo}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <path d="M6 3 2.5 6.5 6 10M3 6.5h6.5a3.5 3.5 0 0 1 0 7H7" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      <button
        type="button"
        className="nw-tool"
        data-testid="history-redo"
        disabled={!info.canRedo}
        title={historyTitle('redo', info)}
        aria-label={historyTitle('redo', info)}
        onClick={onRedo}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <path d="M10 3l3.5 3.5L10 10M13 6.5H6.5a3.5 3.5 0 0 0 0 7H9" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
    </div>
  );
}
