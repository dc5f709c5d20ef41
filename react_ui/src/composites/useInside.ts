// One composite instance's inside, for the inside view: its definition (edited through a
// DefinitionSender: shown at once, sent whole as `set_composite`) and the live state of the
// instance's inside (`get_inside`: statuses and values; null before its first run), fetched
// again when the instance runs (its `node_status` / `value` events), when the definition
// changes (`composite_changed`, also by an undo or another tab), and after a reconnect.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { WorkerClient } from '../protocol/client';
import type { ConnectionState } from '../protocol/socket';
import type { CompositeData, StateResult } from '../protocol/generated';
import { describeError } from '../hooks/useHub';
import { isRefused, type EditResult } from './model';
import { DefinitionSender } from './sender';

/** At most one `get_inside` per this many ms while the instance keeps running (a live source). */
export const REFRESH_MS = 120;

/** What an edit of the definition gives: a new definition (with the port renames it made), or why not. */
export type DefinitionEdit = (def: CompositeData) => EditResult | { def: CompositeData; renamed: Record<string, string> };

export interface Inside {
  /** The composite's id (null until the first `get_inside` answered). */
  id: string | null;
  /** The definition shown: this view's edits at once, else the worker's. */
  definition: CompositeData | null;
  /** The instance's inside as it ran last (null before its first run). */
  state: StateResult | null;
  /** Edits of this view not yet answered. */
  busy(): boolean;
  /** Apply an edit (sent after `delay` ms, 0: now); returns why it was refused, else null. */
  edit(fn: DefinitionEdit, opts?: { delay?: number }): string | null;
  /** Fetch the inside's values again now. */
  refresh(): void;
}

export interface InsideDeps {
  client: Pick<WorkerClient, 'call' | 'on' | 'onResync'>;
  /** The worker connection's state (a reconnect fetches again). */
  connection: ConnectionState;
  /** The composite node whose inside is shown. */
  uuid: string;
  /** A refused edit or a failed fetch. */
  onError(message: string): void;
  /** The instance or its definition is gone: the view closes, saying why. */
  onGone(why: string): void;
}

export function useInside({ client, connection, uuid, onError, onGone }: InsideDeps): Inside {
  const [, changed] = useReducer((n: number) => n + 1, 0);
  const [state, setState] = useState<StateResult | null>(null);
  const [id, setId] = useState<string | null>(null);
  const idRef = useRef<string | null>(null);
  const errorRef = useRef(onError);
  errorRef.current = onError;
  const goneRef = useRef(onGone);
  goneRef.current = onGone;

  const sender = useMemo(
    () =>
      new DefinitionSender({
        send: (composite, renamed) => {
          const cid = idRef.current;
          if (cid === null) return Promise.reject(new Error('the composite is not loaded yet'));
          return client.call('set_composite', { id: cid, composite, ...(renamed ? { renamed } : {}) });
        },
        onChange: changed,
        onError: (err) => errorRef.current(`Not changed: ${describeError(err)}`),
      }),
    [client],
  );
  useEffect(() => () => sender.close(), [sender]);

  // get_inside: one in flight; asked again meanwhile, once more after it
  const fetching = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const fetchNow = useCallback(() => {
    if (fetching.current) {
      again.current = true;
      return;
    }
    fetching.current = true;
    client
      .call('get_inside', { uuid })
      .then(
        (r) => {
          if (!alive.current) return;
          idRef.current = r.id;
          setId(r.id);
          setState(r.state ?? null);
          sender.setServer(r.composite);
        },
        (err: unknown) => {
          if (!alive.current) return;
          const code = (err as { code?: unknown }).code;
          if (code === 'not_found' || code === 'invalid_state' || code === 'graph_error') goneRef.current(describeError(err));
          else errorRef.current(describeError(err));
        },
      )
      .finally(() => {
        fetching.current = false;
        if (again.current && alive.current) {
          again.current = false;
          fetchNow();
        }
      });
  }, [client, uuid, sender]);

  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);
  const refresh = useCallback(() => {
    if (timer.current !== null) return;
    const wait = Math.max(0, last.current + REFRESH_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      fetchNow();
    }, wait);
  }, [fetchNow]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  useEffect(() => {
    if (connection === 'open') fetchNow();
  }, [connection, fetchNow]);

  useEffect(() => {
    const offs = [
      client.on('node_status', (d) => {
        if (d.uuid === uuid) refresh();
      }),
      client.on('value', (d) => {
        if (d.uuid === uuid) refresh();
      }),
      client.on('node_error', (d) => {
        if (d.uuid === uuid) refresh();
      }),
      client.on('node_removed', (d) => {
        if (d.uuid === uuid) goneRef.current('The composite node was removed.');
      }),
      client.on('composite_changed', (d) => {
        if (d.id !== idRef.current) return;
        if (!d.composite) {
          goneRef.current('The composite’s definition was removed.');
          return;
        }
        sender.setServer(d.composite);
        refresh();
      }),
      client.on('graph_replaced', () => fetchNow()),
      client.onResync(() => fetchNow()),
    ];
    return () => offs.forEach((off) => off());
  }, [client, uuid, refresh, fetchNow, sender]);

  const edit = useCallback(
    (fn: DefinitionEdit, opts: { delay?: number } = {}): string | null => {
      const current = sender.current;
      if (!current) return 'The composite is still loading';
      const r = fn(current);
      if (isRefused(r)) return r.refused;
      if ('renamed' in r && 'def' in r) {
        if (r.def !== current) sender.edit(r.def, { ...opts, renamed: r.renamed });
        return null;
      }
      if (r !== current) sender.edit(r, opts);
      return null;
    },
    [sender],
  );
  const busy = useCallback(() => sender.busy, [sender]);

  return { id, definition: sender.current, state, busy, edit, refresh: fetchNow };
}
