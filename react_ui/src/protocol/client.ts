// Transport-agnostic client for the nodeweave WebSocket RPC (docs/protocol.md).
//
// The client knows nothing about sockets: a transport attaches a `send` function when a
// connection opens (`connectionOpened`), feeds every received text frame to `handleFrame`,
// and reports the end of the connection (`connectionClosed`). See `socket.ts` for the
// WebSocket adapter with automatic reconnect.
import type {
  ErrorReply,
  Event as EventEnvelope,
  HubCommands,
  HubEvents,
  Result as ResultEnvelope,
  WorkerCommands,
  WorkerEvents,
} from './generated';

/** A command map as generated: name → { args, result }. */
export type CommandMap<C> = { [K in keyof C]: { args: unknown; result: unknown } };

/** Client-side error codes, next to the server's (see `ErrorCode`). */
export type ClientErrorCode = 'connection_closed' | 'not_connected' | 'timeout';

/** A command failed: the server's error reply, or a client-side failure. */
export class RpcError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | null;
  readonly cmd: string | undefined;

  constructor(
    code: string,
    message: string,
    details: Record<string, unknown> | null = null,
    cmd?: string,
  ) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.details = details;
    this.cmd = cmd;
  }
}

export type ResyncReason = 'gap' | 'reset' | 'reconnect';

export interface ResyncInfo {
  reason: ResyncReason;
  /** For 'gap': the seq that was expected and the one that arrived. */
  expected?: number;
  got?: number;
}

export interface ProtocolIssue {
  /** What was wrong with the frame. */
  reason:
    | 'not_text'
    | 'invalid_json'
    | 'not_an_object'
    | 'unknown_type'
    | 'invalid_event'
    | 'unknown_id'
    | 'server_error'
    | 'handler_threw';
  /** The offending frame (text) or value. */
  raw: unknown;
  error?: unknown;
}

export interface ProtocolClientOptions {
  /** Called when events were lost: refetch the state (`get_state` / `list_workers`). */
  onGap?: (info: ResyncInfo) => void;
  /** Called for frames the client could not use (never throws into the transport). */
  onProtocolIssue?: (issue: ProtocolIssue) => void;
  /** Reject a command that got no reply within this many ms (default: never). */
  timeoutMs?: number;
}

interface Pending {
  cmd: string;
  resolve: (value: unknown) => void;
  reject: (error: RpcError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type Listener<T> = (data: T, envelope: EventEnvelope) => void;

/** Arguments of `call`: optional when the command takes none. */
type CallArgs<A> = {} extends A ? [args?: A] : [args: A];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class ProtocolClient<C extends CommandMap<C>, E> {
  private sendFrame: ((text: string) => void) | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<Listener<unknown>>>();
  private readonly anyListeners = new Set<Listener<unknown>>();
  private readonly resyncListeners = new Set<(info: ResyncInfo) => void>();
  private readonly issueListeners = new Set<(issue: ProtocolIssue) => void>();
  private lastSeq: number | null = null;
  private readonly timeoutMs: number | undefined;

  constructor(options: ProtocolClientOptions = {}) {
    if (options.onGap) this.resyncListeners.add(options.onGap);
    if (options.onProtocolIssue) this.issueListeners.add(options.onProtocolIssue);
    this.timeoutMs = options.timeoutMs;
  }

  // --- transport side -------------------------------------------------------------------

  /** A connection opened: frames go out through `send`; the event sequence starts afresh. */
  connectionOpened(send: (text: string) => void): void {
    this.sendFrame = send;
    this.lastSeq = null;
  }

  /** The connection ended: every pending command is rejected. */
  connectionClosed(reason = 'connection closed'): void {
    this.sendFrame = null;
    this.lastSeq = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.reject(new RpcError('connection_closed', reason, null, p.cmd));
    }
  }

  get connected(): boolean {
    return this.sendFrame !== null;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Ask subscribers to refetch (used by the transport after a reconnect). */
  requestResync(info: ResyncInfo): void {
    for (const fn of [...this.resyncListeners]) {
      try {
        fn(info);
      } catch (error) {
        this.issue({ reason: 'handler_threw', raw: info, error });
      }
    }
  }

  /** Feed one received frame (the protocol uses text frames). Never throws. */
  handleFrame(text: unknown): void {
    if (typeof text !== 'string') {
      this.issue({ reason: 'not_text', raw: text });
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (error) {
      this.issue({ reason: 'invalid_json', raw: text, error });
      return;
    }
    if (!isRecord(msg)) {
      this.issue({ reason: 'not_an_object', raw: text });
      return;
    }
    switch (msg.type) {
      case 'result':
        this.handleResult(msg as unknown as ResultEnvelope, text);
        return;
      case 'error':
        this.handleError(msg as unknown as ErrorReply, text);
        return;
      case 'event':
        this.handleEvent(msg, text);
        return;
      case 'batch':
        this.handleBatch(msg, text);
        return;
      default:
        this.issue({ reason: 'unknown_type', raw: text });
    }
  }

  // --- application side -----------------------------------------------------------------

  /** Send a command with typed arguments and result. */
  call<K extends keyof C & string>(cmd: K, ...args: CallArgs<C[K]['args']>): Promise<C[K]['result']> {
    return this.send(cmd, (args[0] ?? {}) as Record<string, unknown>) as Promise<C[K]['result']>;
  }

  /** Send any command (untyped). Resolves with its result, rejects with an `RpcError`. */
  send(cmd: string, kwargs: Record<string, unknown> = {}): Promise<unknown> {
    const sendFrame = this.sendFrame;
    if (!sendFrame) {
      return Promise.reject(new RpcError('not_connected', 'not connected', null, cmd));
    }
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const entry: Pending = { cmd, resolve, reject, timer: undefined };
      if (this.timeoutMs !== undefined) {
        entry.timer = setTimeout(() => {
          if (this.pending.delete(id)) {
            reject(new RpcError('timeout', `${cmd}: no reply within ${this.timeoutMs} ms`, null, cmd));
          }
        }, this.timeoutMs);
      }
      this.pending.set(id, entry);
      try {
        sendFrame(JSON.stringify({ type: 'cmd', id, cmd, kwargs }));
      } catch (error) {
        this.pending.delete(id);
        if (entry.timer !== undefined) clearTimeout(entry.timer);
        reject(new RpcError('not_connected', `send failed: ${String(error)}`, null, cmd));
      }
    });
  }

  /** Subscribe to one event by name; returns the unsubscribe function. */
  on<K extends keyof E & string>(event: K, fn: Listener<E[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const listener = fn as Listener<unknown>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Subscribe to every event. */
  onAny(fn: (data: unknown, envelope: EventEnvelope) => void): () => void {
    this.anyListeners.add(fn);
    return () => {
      this.anyListeners.delete(fn);
    };
  }

  /** Subscribe to resync requests (a seq gap, a reset, a reconnect). */
  onResync(fn: (info: ResyncInfo) => void): () => void {
    this.resyncListeners.add(fn);
    return () => {
      this.resyncListeners.delete(fn);
    };
  }

  /** Subscribe to malformed / unexpected frames. */
  onProtocolIssue(fn: (issue: ProtocolIssue) => void): () => void {
    this.issueListeners.add(fn);
    return () => {
      this.issueListeners.delete(fn);
    };
  }

  // --- internals ------------------------------------------------------------------------

  private takePending(id: unknown): Pending | undefined {
    if (typeof id !== 'number') return undefined;
    const p = this.pending.get(id);
    if (p) {
      this.pending.delete(id);
      if (p.timer !== undefined) clearTimeout(p.timer);
    }
    return p;
  }

  private handleResult(msg: ResultEnvelope, raw: string): void {
    const p = this.takePending(msg.id);
    if (!p) {
      this.issue({ reason: 'unknown_id', raw });
      return;
    }
    p.resolve(msg.result);
  }

  private handleError(msg: ErrorReply, raw: string): void {
    const body: Record<string, unknown> = isRecord(msg.error) ? msg.error : {};
    const code = typeof body.code === 'string' ? body.code : 'internal_error';
    const message = typeof body.message === 'string' ? body.message : 'unknown error';
    const details = isRecord(body.details) ? body.details : null;
    const p = this.takePending(msg.id);
    if (!p) {
      // id null: the server could not tie the error to a request (e.g. invalid JSON sent).
      this.issue({
        reason: msg.id === null ? 'server_error' : 'unknown_id',
        raw,
        error: new RpcError(code, message, details),
      });
      return;
    }
    p.reject(new RpcError(code, message, details, p.cmd));
  }

  /** `{type: "batch", events: [...]}` (clients that connect with `?batch=1`): each event in order, as if alone. */
  private handleBatch(msg: Record<string, unknown>, raw: string): void {
    const events = msg.events;
    if (!Array.isArray(events)) {
      this.issue({ reason: 'invalid_event', raw });
      return;
    }
    for (const event of events) {
      if (!isRecord(event) || event.type !== 'event') {
        this.issue({ reason: 'invalid_event', raw: event });
        continue;
      }
      this.handleEvent(event, event);
    }
  }

  private handleEvent(msg: Record<string, unknown>, raw: unknown): void {
    const { event, seq, data } = msg;
    if (typeof event !== 'string' || typeof seq !== 'number' || !Number.isInteger(seq) || !isRecord(data)) {
      this.issue({ reason: 'invalid_event', raw });
      return;
    }
    const last = this.lastSeq;
    this.lastSeq = seq;
    if (last === null) {
      // First event of a connection: it should be seq 1; anything later means we missed some.
      if (seq !== 1) this.requestResync({ reason: 'gap', expected: 1, got: seq });
    } else if (seq === 1) {
      // The sequence restarted (a new connection we were not told about): state may be stale.
      this.requestResync({ reason: 'reset', expected: last + 1, got: seq });
    } else if (seq !== last + 1) {
      this.requestResync({ reason: 'gap', expected: last + 1, got: seq });
    }
    const envelope = msg as unknown as EventEnvelope;
    const set = this.listeners.get(event);
    const targets = [...(set ?? []), ...this.anyListeners];
    for (const fn of targets) {
      try {
        fn(data, envelope);
      } catch (error) {
        this.issue({ reason: 'handler_threw', raw, error });
      }
    }
  }

  private issue(issue: ProtocolIssue): void {
    for (const fn of [...this.issueListeners]) {
      try {
        fn(issue);
      } catch {
        // a failing issue listener must not break frame handling
      }
    }
  }
}

export type WorkerClient = ProtocolClient<WorkerCommands, WorkerEvents>;
export type HubClient = ProtocolClient<HubCommands, HubEvents>;

export function createWorkerClient(options?: ProtocolClientOptions): WorkerClient {
  return new ProtocolClient<WorkerCommands, WorkerEvents>(options);
}

export function createHubClient(options?: ProtocolClientOptions): HubClient {
  return new ProtocolClient<HubCommands, HubEvents>(options);
}
