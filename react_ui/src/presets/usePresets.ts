// The open worker's presets: `list_presets` when connected and again after every
// `preset_changed`, `library_changed` (a value may fit again, or no longer), a node added,
// removed or rebound, the graph replaced, or lost events.
import { useEffect, useRef, useState } from 'react';
import type { WorkerClient } from '../protocol/client';
import type { PresetInfo } from '../protocol/generated';
import type { ConnectionState } from '../protocol/socket';

export interface PresetsState {
  presets: PresetInfo[] | null;
  error: string | null;
}

export function usePresets(client: Pick<WorkerClient, 'call' | 'on' | 'onResync'>, state: ConnectionState): PresetsState {
  const [presets, setPresets] = useState<PresetInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(true);

  useEffect(() => {
    const mark = () => setStale(true);
    const offs = [
      client.on('preset_changed', mark),
      client.on('library_changed', mark),
      client.on('node_added', mark),
      client.on('node_removed', mark),
      client.on('node_rebound', mark),
      client.on('graph_replaced', mark),
      client.onResync(mark),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  // one list at a time; a change while it runs asks for the next one (only the newest is kept)
  const seq = useRef(0);
  useEffect(() => {
    if (state !== 'open' || !stale) return;
    const mine = ++seq.current;
    setStale(false);
    client.call('list_presets').then(
      (r) => {
        if (!alive.current || mine !== seq.current) return;
        setPresets(r.presets);
        setError(null);
      },
      (err: unknown) => {
        if (alive.current && mine === seq.current) setError(err instanceof Error ? err.message : String(err));
      },
    );
  }, [client, state, stale]);
  // unmounted: late replies are dropped
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  return { presets, error };
}
