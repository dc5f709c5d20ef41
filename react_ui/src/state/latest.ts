// Latest-only sending: at most one command in flight per key; while one is in flight, newer
// values replace each other and only the newest is sent once the reply arrives. Dragging a
// slider therefore never queues stale `set_input`s behind the pointer, whatever the latency.

export type SendFn<V> = (key: string, value: V) => Promise<unknown>;
export type ErrorFn<V> = (key: string, error: unknown, value: V) => void;

export class LatestSender<V> {
  private readonly inflight = new Set<string>();
  private readonly pending = new Map<string, V>();
  private readonly listeners = new Set<(key: string) => void>();

  constructor(
    private readonly send: SendFn<V>,
    private readonly onError?: ErrorFn<V>,
  ) {}

  /** Send `value` for `key` now, or as soon as the command in flight for `key` is answered. */
  submit(key: string, value: V): void {
    if (this.inflight.has(key)) {
      this.pending.set(key, value);
      return;
    }
    this.fire(key, value);
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
  }

  private fire(key: string, value: V): void {
    this.inflight.add(key);
    let sent: Promise<unknown>;
    try {
      sent = this.send(key, value);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent
      .catch((error: unknown) => this.onError?.(key, error, value))
      .finally(() => {
        this.inflight.delete(key);
        if (this.pending.has(key)) {
          const next = this.pending.get(key) as V;
          this.pending.delete(key);
          this.fire(key, next);
          return;
        }
        for (const fn of [...this.listeners]) fn(key);
      });
  }
}

/** The key of one input of one node. */
export function inputKey(uuid: string, io: string): string {
  return `${uuid}\u0000${io}`;
}
