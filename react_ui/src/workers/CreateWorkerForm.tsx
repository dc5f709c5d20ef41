// The inline "new worker" form: a name and optional requirements (one per line).
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { parseRequirements } from './status';

export interface CreateWorkerFormProps {
  pending: boolean;
  error: string | null;
  onSubmit(name: string, requirements: string[]): void;
  /** Report a problem found before anything was sent (e.g. no name). */
  onInvalid(message: string): void;
  onCancel(): void;
}

export function CreateWorkerForm({ pending, error, onSubmit, onInvalid, onCancel }: CreateWorkerFormProps) {
  const [name, setName] = useState('');
  const [requirements, setRequirements] = useState('');
  const nameId = useId();
  const reqId = useId();
  const hintId = useId();
  const errorId = useId();
  const reqs = parseRequirements(requirements);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (pending) return;
    const trimmed = name.trim();
    if (!trimmed) {
      onInvalid('Give the worker a name.');
      return;
    }
    onSubmit(trimmed, reqs);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape' && !pending) {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form className="nw-worker-form" onSubmit={submit} onKeyDown={onKeyDown} aria-label="New worker" noValidate>
      <label className="nw-field-label" htmlFor={nameId}>
        Name
      </label>
      <input
        id={nameId}
        className="nw-input"
        data-testid="worker-create-name"
        value={name}
        placeholder="e.g. Sales report"
        autoFocus
        autoComplete="off"
        spellCheck={false}
        disabled={pending}
        aria-invalid={error !== null && !name.trim() ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => setName(e.target.value)}
      />
      <label className="nw-field-label" htmlFor={reqId}>
        Requirements <span className="nw-optional">optional</span>
      </label>
      <textarea
        id={reqId}
        className="nw-input nw-textarea"
        data-testid="worker-create-requirements"
        value={requirements}
        placeholder={'numpy\npandas>=2'}
        rows={2}
        spellCheck={false}
        disabled={pending}
        aria-describedby={hintId}
        onChange={(e) => setRequirements(e.target.value)}
      />
      <p id={hintId} className="nw-hint">
        {pending && reqs.length > 0
          ? 'Building its environment — this can take a few minutes.'
          : 'One per line. Giving any builds the worker its own virtualenv.'}
      </p>
      {error && (
        <div id={errorId} className="nw-worker-form-error" data-testid="worker-create-error" role="alert">
          {error}
        </div>
      )}
      <div className="nw-worker-form-actions">
        <button type="button" className="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="worker-create-submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create'}
        </button>
      </div>
    </form>
  );
}
