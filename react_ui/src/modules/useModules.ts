// The worker's node modules for one open worker: `list_modules` (fetched on connect, after lost
// events, and after every module event), and each module event reported as a toast — a failed
// import with its message and traceback (and a way to open the file, when there is an editor).
import { useEffect, useState } from 'react';
import type { WorkerClient } from '../protocol/client';
import type { ModuleEventData, ModuleInfo } from '../protocol/generated';
import type { ConnectionState } from '../protocol/socket';
import { useToast } from '../ui/toast';
import { MODULE_EVENTS, moduleFile, moduleToast, toastsOnArrival } from './events';

export interface ModulesOptions {
  /** Open a module file of `modules/` (the failed-import toast offers it). */
  openFile?: (file: string, line: number | null) => void;
}

export function useModules(client: WorkerClient, state: ConnectionState, options: ModulesOptions = {}): ModuleInfo[] | null {
  const toast = useToast();
  const [modules, setModules] = useState<ModuleInfo[] | null>(null);
  const [stale, setStale] = useState(true);
  const { openFile } = options;

  useEffect(() => {
    const report = (data: ModuleEventData) => {
      setStale(true);
      if (!toastsOnArrival(data)) return;
      const t = moduleToast(data);
      const file = moduleFile(data);
      const line = typeof data.line === 'number' ? data.line : null;
      const action = data.kind === 'failed' && file && openFile ? { label: 'Open', run: () => openFile(file, line) } : undefined;
      toast.push(t.message, t.kind, { ...(t.details ? { details: t.details } : {}), ...(action ? { action } : {}) });
    };
    const offs = [
      ...MODULE_EVENTS.map((name) => client.on(name, report)),
      client.on('library_changed', () => setStale(true)),
      client.onResync(() => setStale(true)),
    ];
    return () => offs.forEach((off) => off());
  }, [client, toast, openFile]);

  useEffect(() => {
    if (state !== 'open' || !stale) return;
    let cancelled = false;
    client.call('list_modules').then(
      (result) => {
        if (cancelled) return;
        setModules(result);
        setStale(false);
      },
      () => {
        if (!cancelled) setStale(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, state, stale]);

  return modules;
}
