// A modal question before something that cannot be undone ("Delete worker “Flow”?").
// Rendered only while open, over the whole page. Focus starts on Cancel, stays inside the
// dialog (Tab cycles), Escape or a click outside cancels, and focus returns where it was.
import { useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useModal } from './useModal';
import './confirm.css';

export interface ConfirmDialogProps {
  title: string;
  /** What will happen, in a sentence or two. */
  children: ReactNode;
  /** The confirm button's label, e.g. "Delete". */
  confirmLabel: string;
  /** Style the confirm button as destructive. */
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog({ title, children, confirmLabel, danger = false, onConfirm, onCancel }: ConfirmDialogProps) {
  const titleId = useId();
  const bodyId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useModal(dialogRef, onCancel, 'button:not(:disabled)', cancelRef);

  return createPortal(
    <div
      className="nw-confirm-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onCancel();
      }}
    >
      <div
        ref={dialogRef}
        className="nw-confirm"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        data-testid="confirm-dialog"
      >
        <h2 id={titleId} className="nw-confirm-title">
          {title}
        </h2>
        <div id={bodyId} className="nw-confirm-body">
          {children}
        </div>
        <div className="nw-confirm-actions">
          <button ref={cancelRef} type="button" className="button" data-testid="confirm-cancel" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className={danger ? 'button button-danger' : 'button button-primary'}
            data-testid="confirm-ok"
            onClick={onConfirm}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
