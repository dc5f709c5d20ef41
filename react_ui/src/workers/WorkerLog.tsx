// The tail of a worker's log under its row: fetched when opened, on every status change of the
// worker, and every 2 s while open (one request at a time). Sticks to the bottom unless the
// user scrolled up to read.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { describeError } from '../hooks/useHub';
import type { HubClient } from '../protocol/client';
import type { WorkerRecord } from '../protocol/generated';
import { CloseIcon } from './icons';

export const LOG_LINES = 200;
export const LOG_REFRESH_MS = 2000;

export interface WorkerLogProps {
  client: HubClient;
  worker: Pick<WorkerRecord, 'id' | 'name' | 'status'>;
  onClose(): void;
}

function sameLines(a: readonly string[] | null, b: readonly string[]): boolean {
  return a !== null && a.length === b.length && a.every((line, i) => line === b[i]);
}

export function WorkerLog({ client, worker, onClose }: WorkerLogProps) {
  const { id, name, status } = worker;
  const [lines, setLines] = useState<readonly string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const preRef = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const result = await client.call('worker_logs', { id, lines: LOG_LINES });
        if (cancelled) return;
        setLines((prev) => (sameLines(prev, result.lines) ? prev : result.lines));
        setError(null);
      } catch (err) {
        if (cancelled) return;
        setError(describeError(err));
      }
      timer = setTimeout(() => void load(), LOG_REFRESH_MS);
    };
    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // `status` restarts the cycle: a status change fetches at once.
  }, [client, id, status]);

  useLayoutEffect(() => {
    const pre = preRef.current;
    if (pre && atBottom.current) pre.scrollTop = pre.scrollHeight;
  }, [lines]);

  const onScroll = () => {
    const pre = preRef.current;
    if (pre) atBottom.current = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
  };

  const empty = lines !== null && lines.length === 0;
  return (
    <div className="nw-worker-log">
      <div className="nw-worker-log-head">
        <span>Log{lines && lines.length > 0 ? ` · last ${lines.length} lines` : ''}</span>
        <button
          type="button"
          className="icon-button"
          aria-label={`Close the log of ${name}`}
          title="Close log"
          data-testid="worker-log-close"
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </div>
      <pre
        ref={preRef}
        className={lines === null || empty ? 'nw-worker-log-text is-empty' : 'nw-worker-log-text'}
        data-testid="worker-log"
        tabIndex={0}
        aria-label={`Log of ${name}`}
        onScroll={onScroll}
      >
        {lines === null ? 'loading…' : empty ? 'no output yet' : lines.join('\n')}
      </pre>
      {error && (
        <div className="nw-worker-log-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
