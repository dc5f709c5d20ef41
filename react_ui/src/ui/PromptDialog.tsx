// A modal question with one line of text to give ("Make a composite of 2 nodes — Name: …").
// The look and keyboard of ConfirmDialog (focus starts in the field with its text selected, Tab
// stays inside, Escape or a click outside cancels); Enter confirms when the text is valid.
import { useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useModal } from './useModal';
import './confirm.css';

export interface PromptDialogProps {
  title: string;
  /** The field's label. */
  label: string;
  /** The text the field starts with (selected). */
  initial?: string;
  /** What the text is for, under the field. */
  children?: ReactNode;
  confirmLabel: string;
  /** Why the text cannot be taken (the confirm button is disabled, the reason shown); null: it can. */
  validate?(text: string): string | null;
  onConfirm(text: string): void;
  onCancel(): void;
  testId?: string;
}

const FOCUSABLE = 'input:not(:disabled), button:not(:disabled)';

export function PromptDialog({ title, label, initial = '', children, confirmLabel, validate, onConfirm, onCancel, testId = 'prompt-dialog' }: PromptDialogProps) {
  const titleId = useId();
  const fieldId = useId();
  const errorId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const fieldRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(initial);
  const problem = validate ? validate(text) : text.trim() ? null : 'Give it a name';
  useModal(dialogRef, onCancel, FOCUSABLE, fieldRef);

  const submit = () => {
    if (!problem) onConfirm(text.trim());
  };

  return createPortal(
    <div
      className="nw-confirm-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onCancel();
      }}
    >
      <div ref={dialogRef} className="nw-confirm" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <h2 id={titleId} className="nw-confirm-title">
          {title}
        </h2>
        <form
          className="nw-prompt"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label className="nw-prompt-label" htmlFor={fieldId}>
            {label}
          </label>
          <input
            ref={fieldRef}
            id={fieldId}
            className="nw-prompt-input"
            data-testid="prompt-input"
            value={text}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={problem !== null && text !== initial ? true : undefined}
            aria-describedby={problem ? errorId : undefined}
            onFocus={(e) => e.currentTarget.select()}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          {problem && text !== initial && (
            <div id={errorId} className="nw-prompt-error" role="alert" data-testid="prompt-error">
              {problem}
            </div>
          )}
          {children && <div className="nw-confirm-body">{children}</div>}
          <div className="nw-confirm-actions">
            <button type="button" className="button" data-testid="prompt-cancel" onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" data-testid="prompt-ok" disabled={problem !== null}>
              {confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>,
    document.body,
  );
}
