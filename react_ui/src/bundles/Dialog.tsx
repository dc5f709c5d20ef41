// A modal dialog with a form's worth of content (checkboxes, source to read) and its own
// buttons: the look of ConfirmDialog, wider. Focus starts on the first control, stays inside
// (Tab cycles), Escape or a click outside closes, and focus returns where it was.
import { useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useModal } from '../ui/useModal';
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
  useModal(dialogRef, onClose, FOCUSABLE);

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
