// Transient notifications ("connection refused: it would make a cycle"), bottom right. A toast
// can be updated in place (an upload's progress, then its result) and stays while it is sticky.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

export interface ToastOptions {
  /** Stay until updated or dismissed (a long task's progress). */
  sticky?: boolean;
}

export interface ToastApi {
  /** Show a toast; returns its id (for `update`). */
  push(message: string, kind?: ToastKind, options?: ToastOptions): number;
  /** Replace a toast's text and kind (shown again if it was gone); it then times out as usual
   * unless `sticky`. */
  update(id: number, message: string, kind?: ToastKind, options?: ToastOptions): void;
}

const ToastContext = createContext<ToastApi>({ push: () => 0, update: () => undefined });

export function useToast(): ToastApi {
  return useContext(ToastContext);
}

const LIFETIME_MS = { error: 7000, info: 3500, success: 3000 } as const;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const dismiss = useCallback((id: number) => {
    const timer = timers.current.get(id);
    if (timer !== undefined) clearTimeout(timer);
    timers.current.delete(id);
    setToasts((ts) => ts.filter((t) => t.id !== id));
  }, []);
  const expire = useCallback(
    (id: number, kind: ToastKind, options?: ToastOptions) => {
      const old = timers.current.get(id);
      if (old !== undefined) clearTimeout(old);
      timers.current.delete(id);
      if (!options?.sticky) timers.current.set(id, setTimeout(() => dismiss(id), LIFETIME_MS[kind]));
    },
    [dismiss],
  );
  const push = useCallback(
    (message: string, kind: ToastKind = 'info', options?: ToastOptions) => {
      const id = nextId.current++;
      setToasts((ts) => [...ts.slice(-4), { id, kind, message }]);
      expire(id, kind, options);
      return id;
    },
    [expire],
  );
  const update = useCallback(
    (id: number, message: string, kind: ToastKind = 'info', options?: ToastOptions) => {
      setToasts((ts) => (ts.some((t) => t.id === id) ? ts.map((t) => (t.id === id ? { id, kind, message } : t)) : [...ts.slice(-4), { id, kind, message }]));
      expire(id, kind, options);
    },
    [expire],
  );
  const api = useMemo(() => ({ push, update }), [push, update]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div
            key={t.id}
            className={`toast toast-${t.kind}`}
            role={t.kind === 'error' ? 'alert' : 'status'}
            data-testid="toast"
            data-kind={t.kind}
          >
            <span>{t.message}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
