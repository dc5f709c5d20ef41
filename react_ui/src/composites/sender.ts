// The definition a composite's inside view edits, and how it reaches the worker. Every edit is
// applied to a local draft at once (the view shows it), and the whole definition goes out as
// one `set_composite` — at once, or after `delay` ms when edits come in a burst (a drag, a
// slider): the last one wins, nothing stale queues up, at most one send is in flight. The
// worker's definition (its reply, `composite_changed`, an undo) replaces the draft once nothing
// of this view's is waiting; a refused send drops the draft, so the view shows the worker's
// definition again, and `onError` says why.
import type { CompositeData } from '../protocol/generated';
import { composeRenames, sameDefinition } from './model';

export interface SenderDeps {
  /** `set_composite {id, composite, renamed?}`: resolves with the stored definition. */
  send(def: CompositeData, renamed: Record<string, string> | null): Promise<CompositeData>;
  /** The definition shown changed (a draft, or the worker's). */
  onChange(): void;
  onError(err: unknown): void;
}

export class DefinitionSender {
  private server: CompositeData | null = null;
  private draft: CompositeData | null = null;
  private renamed: Record<string, string> = {};
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = false;
  private closed = false;

  constructor(private readonly deps: SenderDeps) {}

  /** The definition to show: this view's draft, else the worker's. */
  get current(): CompositeData | null {
    return this.draft ?? this.server;
  }

  /** Edits of this view not yet answered (widgets keep their own value meanwhile). */
  get busy(): boolean {
    return this.draft !== null || this.inFlight;
  }

  /** The worker's definition (from get_inside, composite_changed, a reply). */
  setServer(def: CompositeData | null): void {
    this.server = def;
    this.deps.onChange();
  }

  /** An edit: shown at once, sent after `delay` ms (0: now), with the port renames it made. */
  edit(next: CompositeData, opts: { delay?: number; renamed?: Record<string, string> } = {}): void {
    if (this.closed) return;
    this.draft = next;
    if (opts.renamed && Object.keys(opts.renamed).length) this.renamed = composeRenames(this.renamed, opts.renamed);
    this.deps.onChange();
    this.schedule(opts.delay ?? 0);
  }

  /** Send what is waiting now (leaving the view: nothing is lost). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    void this.sendNow();
  }

  /** Flush and stop (the view closes; an answer still updates nothing visible). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private schedule(delay: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (delay <= 0) {
      void this.sendNow();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sendNow();
    }, delay);
  }

  private async sendNow(): Promise<void> {
    if (this.inFlight || this.draft === null) return; // the answer sends what came meanwhile
    const def = this.draft;
    if (this.server && Object.keys(this.renamed).length === 0 && sameDefinition(def, this.server)) {
      // back where the worker is (a value typed and typed back, Enter after a change): no step
      this.draft = null;
      this.deps.onChange();
      return;
    }
    const renamed = Object.keys(this.renamed).length ? this.renamed : null;
    this.renamed = {};
    this.inFlight = true;
    try {
      const stored = await this.deps.send(def, renamed);
      this.server = stored;
      if (this.draft === def) this.draft = null;
    } catch (err) {
      // refused (or the connection went): show the worker's definition again
      this.draft = null;
      this.renamed = {};
      if (!this.closed) this.deps.onError(err);
    } finally {
      this.inFlight = false;
    }
    if (!this.closed) this.deps.onChange();
    if (this.draft !== null && this.timer === null) void this.sendNow();
  }
}
