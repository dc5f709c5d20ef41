// A modal question before something that cannot be undone ("Delete worker “Flow”?").
// Rendered only while open, over the whole page. Focus starts on Cancel, stays inside the
// dialog (Tab cycles), Escape or a click outside cancels, and focus returns where it was.
import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
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

  const cancelLatest = useRef(onCancel);
  useLayoutEffect(() => {
    cancelLatest.current = onCancel;
  });

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelRef.current?.focus();
    // On the document, so Escape and Tab work even when a click left focus on the page.
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        cancelLatest.current();
      } else if (e.key === 'Tab') {
        trapTab(e, dialogRef.current);
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      if (before?.isConnected) before.focus();
    };
  }, []);

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

/** Keep Tab inside the dialog: from the last button to the first and back. */
function trapTab(e: globalThis.KeyboardEvent, dialog: HTMLElement | null): void {
  const buttons = dialog?.querySelectorAll<HTMLElement>('button:not(:disabled)');
  if (!dialog || !buttons || buttons.length === 0) return;
  const first = buttons[0]!;
  const last = buttons[buttons.length - 1]!;
  const active = document.activeElement;
  if (!dialog.contains(active)) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  } else if (e.shiftKey && active === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}
