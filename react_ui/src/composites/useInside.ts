// One composite instance's inside, for the inside view: its definition (edited through a
// DefinitionSender: shown at once, sent whole as `set_composite` with its own id) and the live
// state of the instance's inside (`get_inside {uuid, path}`: statuses and values; null before its
// first run). The instance may sit inside other composites (the path): events come only for the
// workflow's own nodes, so the inside is fetched again when the outermost instance runs (its
// `node_status` / `value` / `node_error` events), when a definition on the path changes
// (`composite_changed`, also by an undo or another tab), and after a reconnect. When an instance
// on the path has not run, the worker cannot reach this one: its definition (from the workflow's)
// is shown without values.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { WorkerClient } from '../protocol/client';
import type { ConnectionState } from '../protocol/socket';
import type { CompositeData, StateResult } from '../protocol/generated';
import { describeError } from '../hooks/useHub';
import { isRefused, type EditResult } from './model';
import { DefinitionSender } from './sender';
import { definitionAt, foundDepth, insideArgs, outerIds, type InsidePath, type Level } from './path';

/** At most one `get_inside` per this many ms while the instance keeps running (a live source). */
export const REFRESH_MS = 120;

/** What an edit of the definition gives: a new definition (with the port renames it made), or why not. */
export type DefinitionEdit = (def: CompositeData) => EditResult | { def: CompositeData; renamed: Record<string, string> };

export interface Inside {
  /** The composite's id (null until the first `get_inside` answered). */
  id: string | null;
  /** The definition shown: this view's edits at once, else the worker's. */
  definition: CompositeData | null;
  /** The instance's inside as it ran last (null before its first run, or when not reached). */
  state: StateResult | null;
  /** False while an instance on the path has not run (the worker cannot reach this one). */
  reached: boolean;
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
  /** The composite nodes opened, outermost first: the inside of the last one is shown. */
  path: InsidePath;
  /** The path as the workflow's definitions resolve it now (read when needed). */
  levels(): readonly Level[];
  /** The workflow's definitions now (read when needed). */
  composites(): Readonly<Record<string, CompositeData>>;
  /** A refused edit or a failed fetch. */
  onError(message: string): void;
  /** The instance or its definition is gone: the view goes back to `depth` levels (0: the
   * workflow), saying why. */
  onGone(why: string, depth: number): void;
}

export function useInside({ client, connection, path, levels, composites, onError, onGone }: InsideDeps): Inside {
  const [, changed] = useReducer((n: number) => n + 1, 0);
  const [state, setState] = useState<StateResult | null>(null);
  const [reached, setReached] = useState(true);
  const pathKey = path.join('/');
  // stable for the view's life (a new path is a new view)
  const pathRef = useRef(path);
  pathRef.current = path;
  const levelsRef = useRef(levels);
  levelsRef.current = levels;
  const compositesRef = useRef(composites);
  compositesRef.current = composites;
  const top = path[0] ?? '';
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
    const at = pathRef.current;
    client
      .call('get_inside', insideArgs(at))
      .then(
        (r) => {
          if (!alive.current) return;
          idRef.current = r.id;
          setId(r.id);
          setState(r.state ?? null);
          setReached(true);
          sender.setServer(r.composite);
        },
        (err: unknown) => {
          if (!alive.current) return;
          const code = (err as { code?: unknown }).code;
          const up = at.length - 1;
          if (at.length > 1 && (code === 'invalid_arguments' || code === 'not_found')) {
            // the worker reaches insides that ran only: an instance on the path has not run,
            // or has not run since this node was put inside it. The definition as the workflow
            // has it, without values — unless the path is broken (a node is not inside any more)
            const lv = levelsRef.current();
            const depth = foundDepth(lv);
            if (depth < lv.length) {
              goneRef.current('The composite node is not inside any more.', Math.min(depth, up));
              return;
            }
            const known = definitionAt(lv, compositesRef.current());
            if (known) {
              idRef.current = known.id;
              setId(known.id);
              setState(null);
              setReached(false);
              if (!sender.current) sender.setServer(known.composite);
              return;
            }
          }
          if (code === 'not_found' || code === 'invalid_state' || code === 'graph_error') {
            goneRef.current(describeError(err), up);
            return;
          }
          errorRef.current(describeError(err));
        },
      )
      .finally(() => {
        fetching.current = false;
        if (again.current && alive.current) {
          again.current = false;
          fetchNow();
        }
      });
  }, [client, pathKey, sender]); // the path is read from its ref: pathKey stands for it

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
    // events come for the workflow's own nodes: the outermost instance on the path
    const offs = [
      client.on('node_status', (d) => {
        if (d.uuid === top) refresh();
      }),
      client.on('value', (d) => {
        if (d.uuid === top) refresh();
      }),
      client.on('node_error', (d) => {
        if (d.uuid === top) refresh();
      }),
      client.on('node_removed', (d) => {
        if (d.uuid === top) goneRef.current('The composite node was removed.', 0);
      }),
      client.on('composite_changed', (d) => {
        if (d.id === idRef.current) {
          if (!d.composite) {
            goneRef.current('The composite’s definition was removed.', pathRef.current.length - 1);
            return;
          }
          sender.setServer(d.composite);
          refresh();
        } else if (outerIds(levelsRef.current()).includes(d.id)) {
          // a composite this one sits inside changed: this instance may run, or be gone
          refresh();
        }
      }),
      client.on('graph_replaced', () => fetchNow()),
      client.onResync(() => fetchNow()),
    ];
    return () => offs.forEach((off) => off());
  }, [client, top, refresh, fetchNow, sender]);

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

  return { id, definition: sender.current, state, reached, busy, edit, refresh: fetchNow };
}
