// Worker events arrive in bursts (a slider drag re-runs a chain: a status, a value and another
// status per node, each its own WebSocket message). Applying each one re-renders the canvas;
// this queue gathers them and hands them over at most once per animation frame, in order.
// Hidden tabs get no animation frames: a timer flushes there instead.

export interface FrameScheduler {
  /** Run `fn` before the next frame; returns a cancel function. */
  frame(fn: () => void): () => void;
  /** Run `fn` after `ms` (the fallback while frames do not come). */
  timeout(fn: () => void, ms: number): () => void;
}

export const browserScheduler: FrameScheduler = {
  frame(fn) {
    if (typeof requestAnimationFrame !== 'function') return this.timeout(fn, 16);
    const id = requestAnimationFrame(() => fn());
    return () => cancelAnimationFrame(id);
  },
  timeout(fn, ms) {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

/** Flushed by a timer when no frame came within this many ms (a hidden tab). */
export const FALLBACK_MS = 100;

/** How long items that may wait wait at most for what follows them. */
export const MAY_WAIT_MS = 50;

export interface FrameQueueOptions<T> {
  /**
   * Items that may wait (frames, up to `maxWaitMs`) while nothing else is queued: their change
   * is better drawn together with what follows them (see `announcesRun` in useWorker).
   */
  mayWait?: (item: T) => boolean;
  maxWaitMs?: number;
  now?: () => number;
}

export class FrameQueue<T> {
  private items: T[] = [];
  private cancels: (() => void)[] = [];
  /** When the items that may wait began waiting (null: they do not wait). */
  private waitingSince: number | null = null;
  private readonly mayWait: ((item: T) => boolean) | undefined;
  private readonly maxWaitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly flushItems: (items: T[]) => void,
    private readonly scheduler: FrameScheduler = browserScheduler,
    options: FrameQueueOptions<T> = {},
  ) {
    this.mayWait = options.mayWait;
    this.maxWaitMs = options.maxWaitMs ?? MAY_WAIT_MS;
    this.now = options.now ?? (() => performance.now());
  }

  get pending(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.cancels.length > 0) return;
    this.schedule();
  }

  private schedule(): void {
    const run = () => this.onFrame();
    this.cancels = [this.scheduler.frame(run), this.scheduler.timeout(run, FALLBACK_MS)];
  }

  /** The frame came: hand over, unless everything queued may wait and has not waited too long. */
  private onFrame(): void {
    const mayWait = this.mayWait;
    if (mayWait && this.items.length > 0 && this.items.every((item) => mayWait(item))) {
      const now = this.now();
      this.waitingSince ??= now;
      if (now - this.waitingSince < this.maxWaitMs) {
        for (const cancel of this.cancels) cancel();
        this.schedule();
        return;
      }
    }
    this.flush();
  }

  /** Hand over everything queued now (before something that must come after it). */
  flush(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels = [];
    this.waitingSince = null;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.flushItems(items);
  }

  /** Drop what is queued (the connection is gone). */
  clear(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels = [];
    this.waitingSince = null;
    this.items = [];
  }
}
