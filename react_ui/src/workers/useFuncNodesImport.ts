// FuncNodes workflows into nodeweave workers: the FuncNodes workers the hub finds in its state
// directory (`list_funcnodes_workers`, fetched on connect and after every import), and
// `import_funcnodes` from an uploaded export or from one of those. An export too big for a hub
// frame is refused here, before anything is sent.
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../hooks/useHub';
import type { HubClient } from '../protocol/client';
import type { FuncNodesWorkerInfo, ImportFuncNodesArgs, ImportFuncNodesResult } from '../protocol/generated';
import { readBase64, refuseFile } from './funcnodes';

/** Where an import comes from: the upload form, or a discovered FuncNodes worker (its id). */
export type ImportSource = { kind: 'file' } | { kind: 'found'; id: string };

export interface ImportOutcome {
  result: ImportFuncNodesResult;
  /** Whether its FuncNodes packages were asked for. */
  install: boolean;
}

export interface ImportError {
  source: ImportSource;
  message: string;
}

export interface FuncNodesImport {
  /** The FuncNodes workers found (empty until listed, or when the hub finds none). */
  found: FuncNodesWorkerInfo[];
  /** The import in flight. */
  pending: ImportSource | null;
  error: ImportError | null;
  /** The last successful import, until dismissed. */
  outcome: ImportOutcome | null;
  importFile(file: File, name: string, install: boolean): Promise<boolean>;
  importFound(id: string): Promise<boolean>;
  /** Report a problem found before sending (null clears it). */
  setFileError(message: string | null): void;
  dismiss(): void;
  refresh(): void;
}

export function sameSource(a: ImportSource | null, b: ImportSource): boolean {
  if (a === null || a.kind !== b.kind) return false;
  return a.kind === 'file' || (b.kind === 'found' && a.id === b.id);
}

export function useFuncNodesImport(client: HubClient, connected: boolean): FuncNodesImport {
  const [found, setFound] = useState<FuncNodesWorkerInfo[]>([]);
  const [pending, setPending] = useState<ImportSource | null>(null);
  const [error, setError] = useState<ImportError | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const busy = useRef(false);
  const listSeq = useRef(0);

  const refresh = useCallback(() => {
    const seq = ++listSeq.current;
    client.call('list_funcnodes_workers').then(
      (list) => {
        if (seq === listSeq.current) setFound(Array.isArray(list) ? list : []);
      },
      () => {
        // a hub without the command (or a failed read): nothing to offer
        if (seq === listSeq.current) setFound([]);
      },
    );
  }, [client]);

  useEffect(() => {
    if (connected) refresh();
  }, [connected, refresh]);

  const run = useCallback(
    async (source: ImportSource, install: boolean, args: () => Promise<ImportFuncNodesArgs | null>): Promise<boolean> => {
      if (busy.current) return false;
      busy.current = true;
      setPending(source);
      setError(null);
      try {
        const sent = await args();
        if (sent === null) return false;
        const result = await client.call('import_funcnodes', sent);
        setOutcome({ result, install });
        refresh();
        return true;
      } catch (err) {
        setError({ source, message: describeError(err) });
        return false;
      } finally {
        busy.current = false;
        setPending(null);
      }
    },
    [client, refresh],
  );

  const importFile = useCallback(
    (file: File, name: string, install: boolean) =>
      run({ kind: 'file' }, install, async () => {
        const refused = refuseFile(file);
        if (refused) {
          setError({ source: { kind: 'file' }, message: refused });
          return null;
        }
        const args: ImportFuncNodesArgs = { data: await readBase64(file) };
        const trimmed = name.trim();
        if (trimmed) args.name = trimmed;
        if (install) args.install = true;
        return args;
      }),
    [run],
  );

  const importFound = useCallback(
    (id: string) => run({ kind: 'found', id }, false, async () => ({ funcnodes_worker: id })),
    [run],
  );

  const setFileError = useCallback((message: string | null) => {
    setError((current) =>
      message !== null ? { source: { kind: 'file' }, message } : current?.source.kind === 'file' ? null : current,
    );
  }, []);

  const dismiss = useCallback(() => setOutcome(null), []);

  return { found, pending, error, outcome, importFile, importFound, setFileError, dismiss, refresh };
}
