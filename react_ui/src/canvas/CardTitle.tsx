// A card's title, renamed in place: double-click it, type, Enter saves (`update_node`
// properties.name; empty goes back to the type's name), Escape or leaving the field cancels.
import { useRef, useState, type KeyboardEvent } from 'react';
import { describeError } from '../hooks/useHub';
import type { WorkerConn } from '../hooks/useWorker';

export interface CardTitleProps {
  uuid: string;
  name: string;
  worker: Pick<WorkerConn, 'client'>;
  /** Save the new name (default: `update_node` on the worker). */
  rename?(name: string): Promise<unknown>;
  onError?(message: string): void;
}

export function CardTitle({ uuid, name, worker, rename, onError }: CardTitleProps) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const done = useRef(false);

  if (!editing) {
    return (
      <span
        className="nw-card-name"
        data-testid="node-title"
        title="Double-click to rename"
        onDoubleClick={(e) => {
          e.stopPropagation();
          done.current = false;
          setValue(name);
          setEditing(true);
        }}
      >
        {name}
      </span>
    );
  }
  const finish = (save: boolean) => {
    if (done.current) return;
    done.current = true;
    setEditing(false);
    const next = value.trim();
    if (!save || next === name) return;
    const saved = rename ? rename(next) : worker.client.call('update_node', { uuid, properties: { name: next }, merge: true });
    saved.catch((err: unknown) => onError?.(describeError(err)));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    e.stopPropagation();
    if (e.key === 'Enter') {
      e.preventDefault();
      finish(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      finish(false);
    }
  };
  return (
    <input
      className="nw-card-name-input nodrag nokey"
      data-testid="node-title-input"
      aria-label="Node name"
      autoFocus
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={onKeyDown}
      onBlur={() => finish(false)}
    />
  );
}
