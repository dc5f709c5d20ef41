// A modal dialog with a form's worth of content (checkboxes, source to read) and its own
// buttons: the look of ConfirmDialog, wider. Focus starts on the first control, stays inside
// (Tab cycles), Escape or a click outside closes, and focus returns where it was.
import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import '../ui/confirm.css';
import './bundles.css';

export interface DialogProps {
  title: string;
  children: ReactNode;
  /** The buttons, right-aligned under the content. */
  actions: ReactNode;
  onClose(): void;
  testId?: string;
}

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), summary, select:not(:disabled), textarea:not(:disabled), [tabindex="0"]';

export function Dialog({ title, children, actions, onClose, testId }: DialogProps) {
  const titleId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeLatest = useRef(onClose);
  useLayoutEffect(() => {
    closeLatest.current = onClose;
  });

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialogRef.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        closeLatest.current();
      } else if (e.key === 'Tab') {
        const all = Array.from(dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
        if (all.length === 0) return;
        const first = all[0]!;
        const last = all[all.length - 1]!;
        const active = document.activeElement;
        if (!dialogRef.current?.contains(active)) {
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
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div ref={dialogRef} className="nw-confirm nw-bd-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <h2 id={titleId} className="nw-confirm-title">
          {title}
        </h2>
        <div className="nw-bd-dialog-body">{children}</div>
        <div className="nw-confirm-actions">{actions}</div>
      </div>
    </div>,
    document.body,
  );
}
