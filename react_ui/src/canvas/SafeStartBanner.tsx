// Safe start: the worker loaded its graph and runs nothing until asked, so a node that hangs the
// worker on every start can be removed or fixed first.
import { useCallback, useState } from 'react';
import { describeError } from '../hooks/useHub';
import { SAFE_START_TEXT } from '../state/runs';
import { useToast } from '../ui/toast';

export function SafeStartBanner({ onRun }: { onRun(): Promise<void> }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const run = useCallback(() => {
    setBusy(true);
    onRun()
      .catch((e: unknown) => toast.push(describeError(e), 'error'))
      .finally(() => setBusy(false));
  }, [onRun, toast]);
  return (
    <div className="banner banner-warn banner-safe" role="status" data-testid="safe-start-banner">
      <span>{SAFE_START_TEXT}</span>
      <button type="button" className="button button-primary" data-testid="safe-start-run" disabled={busy} onClick={run}>
        Run the graph
      </button>
    </div>
  );
}
