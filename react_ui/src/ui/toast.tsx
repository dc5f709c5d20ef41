// Transient notifications ("connection refused: it would make a cycle"), bottom centre (clear of
// the minimap and the zoom buttons). A toast can be updated in place (an upload's progress, then
// its result) and stays while it is sticky; every other toast, errors included, goes after a
// while, but not while the pointer is on it (to read or copy a traceback). A toast may carry
// details (a traceback) shown on demand, and one action button.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

export type ToastKind = 'error' | 'info' | 'success';

export interface ToastAction {
  label: string;
  run(): void;
}

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  details?: string;
  action?: ToastAction;
}

export interface ToastOptions {
  /** Stay until updated or dismissed (a long task's progress). */
  sticky?: boolean;
  /** Shown folded under the message ("Traceback"). */
  details?: string;
  /** A button beside the message. */
  action?: ToastAction;
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

export const LIFETIME_MS = { error: 8000, info: 3500, success: 3000 } as const;

function toastOf(id: number, message: string, kind: ToastKind, options?: ToastOptions): Toast {
  return {
    id,
    kind,
    message,
    ...(options?.details ? { details: options.details } : {}),
    ...(options?.action ? { action: options.action } : {}),
  };
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const sticky = useRef(new Set<number>());
  const dismiss = useCallback((id: number) => {
    const timer = timers.current.get(id);
    if (timer !== undefined) clearTimeout(timer);
    timers.current.delete(id);
    sticky.current.delete(id);
    setToasts((ts) => ts.filter((t) => t.id !== id));
  }, []);
  const expire = useCallback(
    (id: number, kind: ToastKind, options?: ToastOptions) => {
      const old = timers.current.get(id);
      if (old !== undefined) clearTimeout(old);
      timers.current.delete(id);
      if (options?.sticky) sticky.current.add(id);
      else {
        sticky.current.delete(id);
        timers.current.set(id, setTimeout(() => dismiss(id), LIFETIME_MS[kind]));
      }
    },
    [dismiss],
  );
  const push = useCallback(
    (message: string, kind: ToastKind = 'info', options?: ToastOptions) => {
      const id = nextId.current++;
      setToasts((ts) => [...ts.slice(-4), toastOf(id, message, kind, options)]);
      expire(id, kind, options);
      return id;
    },
    [expire],
  );
  const update = useCallback(
    (id: number, message: string, kind: ToastKind = 'info', options?: ToastOptions) => {
      const next = toastOf(id, message, kind, options);
      setToasts((ts) => (ts.some((t) => t.id === id) ? ts.map((t) => (t.id === id ? next : t)) : [...ts.slice(-4), next]));
      expire(id, kind, options);
    },
    [expire],
  );
  const api = useMemo(() => ({ push, update }), [push, update]);
  // the pointer on a toast holds it; leaving gives it its full time again
  const hold = useCallback((id: number) => {
    const timer = timers.current.get(id);
    if (timer !== undefined) clearTimeout(timer);
    timers.current.delete(id);
  }, []);
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
            onMouseEnter={() => hold(t.id)}
            onMouseLeave={() => {
              if (!sticky.current.has(t.id)) expire(t.id, t.kind);
            }}
          >
            <div className="toast-body">
              <span className="toast-message">{t.message}</span>
              {t.details && (
                <details className="toast-details" data-testid="toast-details">
                  <summary>Traceback</summary>
                  <pre>{t.details}</pre>
                </details>
              )}
            </div>
            {t.action && (
              <button
                type="button"
                className="button toast-action"
                data-testid="toast-action"
                onClick={() => {
                  t.action?.run();
                  dismiss(t.id);
                }}
              >
                {t.action.label}
              </button>
            )}
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
