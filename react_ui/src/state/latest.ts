// Latest-only sending: while a command is in flight for a key, newer values replace each other
// and only the newest is sent once the reply arrives. Dragging a slider therefore never queues
// stale `set_input`s behind the pointer, whatever the latency.
//
// A reply can be late for a reason that has nothing to do with the worker: the page's main
// thread is busy drawing what the previous value changed, and the reply waits behind that. So a
// waiting value does not wait for more than `patienceMs` after the command in flight was sent:
// then it goes out too (the worker handles one connection's commands in order, the newest is
// applied last). The last position of a drag thus reaches the worker about one frame after the
// pointer stops, not one busy frame plus a round trip later.

export type SendFn<V> = (key: string, value: V) => Promise<unknown>;
export type ErrorFn<V> = (key: string, error: unknown, value: V) => void;

export interface SenderClock {
  now(): number;
  /** Run `fn` after `ms`; returns a cancel function. */
  after(fn: () => void, ms: number): () => void;
}

export const browserClock: SenderClock = {
  now: () => performance.now(),
  after(fn, ms) {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

/** A waiting value goes out at the latest this long after the command in flight was sent. */
export const PATIENCE_MS = 50;

export interface LatestSenderOptions {
  patienceMs?: number;
  clock?: SenderClock;
}

export class LatestSender<V> {
  /** Commands in flight, by key. */
  private readonly inflight = new Map<string, number>();
  /** When the newest command in flight for a key was sent. */
  private readonly sentAt = new Map<string, number>();
  private readonly pending = new Map<string, V>();
  private readonly timers = new Map<string, () => void>();
  private readonly listeners = new Set<(key: string) => void>();
  private readonly patienceMs: number;
  private readonly clock: SenderClock;

  constructor(
    private readonly send: SendFn<V>,
    private readonly onError?: ErrorFn<V>,
    options: LatestSenderOptions = {},
  ) {
    this.patienceMs = options.patienceMs ?? PATIENCE_MS;
    this.clock = options.clock ?? browserClock;
  }

  /** Send `value` for `key` now, or once the command in flight is answered or has waited long enough. */
  submit(key: string, value: V): void {
    if (!this.inflight.has(key)) {
      this.fire(key, value);
      return;
    }
    this.pending.set(key, value);
    if (this.timers.has(key)) return;
    const waited = this.clock.now() - (this.sentAt.get(key) ?? 0);
    const wait = this.patienceMs - waited;
    if (wait <= 0) {
      this.firePending(key);
      return;
    }
    this.timers.set(
      key,
      this.clock.after(() => {
        this.timers.delete(key);
        this.firePending(key);
      }, wait),
    );
  }

  /** A command for `key` is in flight or waiting: server echoes for it are not yet the latest. */
  busy(key: string): boolean {
    return this.inflight.has(key) || this.pending.has(key);
  }

  /** Called whenever `key` becomes idle (its latest value was answered). */
  onIdle(fn: (key: string) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** Drop whatever waits (e.g. the connection closed and the state is refetched). */
  clear(): void {
    this.pending.clear();
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private firePending(key: string): void {
    const timer = this.timers.get(key);
    if (timer) {
      timer();
      this.timers.delete(key);
    }
    if (!this.pending.has(key)) return;
    const next = this.pending.get(key) as V;
    this.pending.delete(key);
    this.fire(key, next);
  }

  private fire(key: string, value: V): void {
    this.inflight.set(key, (this.inflight.get(key) ?? 0) + 1);
    this.sentAt.set(key, this.clock.now());
    let sent: Promise<unknown>;
    try {
      sent = this.send(key, value);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent
      .catch((error: unknown) => this.onError?.(key, error, value))
      .finally(() => {
        const left = (this.inflight.get(key) ?? 1) - 1;
        if (left > 0) this.inflight.set(key, left);
        else this.inflight.delete(key);
        if (this.pending.has(key)) {
          // the newest value waits for the newest command in flight, not for an older one
          if (left === 0) this.firePending(key);
          return;
        }
        if (left === 0) for (const fn of [...this.listeners]) fn(key);
      });
  }
}

/** The key of one input of one node. */
export function inputKey(uuid: string, io: string): string {
  return `${uuid}\u0000${io}`;
}
