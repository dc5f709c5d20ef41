// The page: top bar, a sidebar (workers, and the open worker's library), and the open
// worker's workspace (canvas + inspector). The open worker lives in the URL: #/w/<id>.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { initToken } from './auth';
import { useHub } from './hooks/useHub';
import { ToastProvider } from './ui/toast';
import { WorkersPanel } from './workers/WorkersPanel';
import { Workspace } from './Workspace';
import { ThemeToggle } from './theme/ThemeToggle';

const HASH_PREFIX = '#/w/';

function workerFromHash(): string | null {
  const h = window.location.hash;
  return h.startsWith(HASH_PREFIX) ? decodeURIComponent(h.slice(HASH_PREFIX.length)) || null : null;
}

function useOpenWorker(): [string | null, (id: string | null) => void] {
  const [id, setId] = useState<string | null>(workerFromHash);
  useEffect(() => {
    const onHash = () => setId(workerFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const open = useCallback((next: string | null) => {
    const hash = next ? `${HASH_PREFIX}${encodeURIComponent(next)}` : '';
    if (window.location.hash !== hash) {
      window.history.pushState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
    }
    setId(next);
  }, []);
  return [id, open];
}

export function App() {
  const token = useMemo(() => initToken(), []);
  return (
    <ToastProvider>
      <Shell token={token} />
    </ToastProvider>
  );
}

function Shell({ token }: { token: string | null }) {
  const hub = useHub(token);
  const [openId, open] = useOpenWorker();
  const [librarySlot, setLibrarySlot] = useState<HTMLDivElement | null>(null);
  const record = openId ? (hub.workers.byId[openId] ?? null) : null;
  // the open worker's packages panel (opened from its row or the workspace toolbar)
  const [packagesFor, setPackagesFor] = useState<string | null>(null);
  const openPackages = useCallback(
    (id: string) => {
      if (packagesFor === id && openId === id) {
        setPackagesFor(null);
      } else {
        open(id);
        setPackagesFor(id);
      }
    },
    [open, openId, packagesFor],
  );
  const showPackages = useCallback((show: boolean) => setPackagesFor(show ? openId : null), [openId]);
  const packagesId = packagesFor !== null && packagesFor === openId ? packagesFor : null;

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">nodeweave</span>
        {record && <span className="topbar-worker">{record.name}</span>}
        <span className="spacer" />
        <ThemeToggle />
        <span className={`conn conn-${hub.state}`} data-testid="connection-state" data-state={hub.state}>
          {hub.state === 'open' ? 'hub connected' : hub.state === 'waiting' ? 'hub: reconnecting…' : `hub: ${hub.state}`}
        </span>
      </header>
      {hub.state !== 'open' && hub.workers.loaded && (
        <div className="banner banner-warn" role="status" data-testid="hub-banner">
          Connection to the hub lost — reconnecting…
        </div>
      )}
      <div className="body">
        <aside className="sidebar">
          <WorkersPanel hub={hub} selectedId={openId} onOpen={open} onPackages={openPackages} packagesId={packagesId} />
          <div className="library-slot" ref={setLibrarySlot} />
        </aside>
        <main className="main">
          {openId === null ? (
            <div className="empty-state">
              <h2>No worker open</h2>
              <p>Create a worker or open one from the list to start wiring nodes.</p>
            </div>
          ) : !hub.workers.loaded ? (
            <div className="empty-state">Loading…</div>
          ) : record === null ? (
            <div className="empty-state" data-testid="worker-missing">
              <h2>No worker “{openId}”</h2>
              <p>It may have been deleted.</p>
            </div>
          ) : (
            <Workspace
              key={record.id}
              hub={hub}
              record={record}
              token={token}
              librarySlot={librarySlot}
              packagesOpen={packagesId === record.id}
              onPackages={showPackages}
            />
          )}
        </main>
      </div>
    </div>
  );
}
