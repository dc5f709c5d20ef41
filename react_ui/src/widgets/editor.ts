// What every input editor gets, and how editors keep showing the user's value while the worker's
// echoes of older values arrive (see InputWidget.tsx).
import { useEffect, useReducer, useState } from 'react';
import type { WidgetSpec } from './schema';

/** What every editor gets. */
export interface EditorProps {
  spec: WidgetSpec;
  /** The value to show when the user is not editing. */
  value: unknown;
  send(value: unknown): void;
  /** A `set_input` of this input is in flight or waiting. */
  busy(): boolean;
  label: string;
  compact: boolean;
  /** `x-widget: "textarea"`: a text of several lines. */
  multiline: boolean;
}

/**
 * Whether echoes must be ignored right now (`holding`: the user interacts), and a re-render
 * once the last `set_input` was answered, so the widget goes back to the worker's value.
 */
export function useHold(busy: () => boolean, holding: boolean): boolean {
  const [, wake] = useReducer((n: number) => n + 1, 0);
  const isBusy = busy();
  useEffect(() => {
    if (holding || !isBusy) return;
    const timer = setInterval(() => {
      if (!busy()) {
        clearInterval(timer);
        wake();
      }
    }, 100);
    return () => clearInterval(timer);
  }, [holding, isBusy, busy]);
  return holding || isBusy;
}

/** The value last sent while it is unanswered, else the worker's value. */
export function useSent<T>(value: unknown, busy: () => boolean, holding = false): [unknown, (v: T) => void] {
  const [sent, setSent] = useState<{ v: T } | null>(null);
  const hold = useHold(busy, holding);
  return [hold && sent ? sent.v : value, (v: T) => setSent({ v })];
}

