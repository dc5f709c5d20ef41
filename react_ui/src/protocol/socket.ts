// WebSocket adapter for ProtocolClient with automatic reconnect (capped exponential backoff).
// The socket is created through an injectable factory so tests can use a fake one.
import type { CommandMap, ProtocolClient } from './client';

/** The part of the browser WebSocket this adapter uses. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped';

export interface BackoffOptions {
  /** First retry delay in ms (default 250). */
  initialDelayMs?: number;
  /** Upper bound of the delay in ms (default 10 000). */
  maxDelayMs?: number;
  /** Growth factor per failed attempt (default 2). */
  factor?: number;
}

/** Delay before reconnect attempt `attempt` (0-based): initial·factor^attempt, capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const factor = options.factor ?? 2;
  const delay = initial * Math.pow(factor, Math.max(0, attempt));
  return Math.min(max, Number.isFinite(delay) ? delay : max);
}

export interface ReconnectingSocketOptions extends BackoffOptions {
  /** The ws URL, or a function giving it (re-evaluated for each attempt). */
  url: string | (() => string);
  /** Create a socket; default: the global WebSocket. */
  createSocket?: SocketFactory;
  /** Notified on every state change. */
  onStateChange?: (state: ConnectionState) => void;
}

const defaultFactory: SocketFactory = (url) => {
  const ws = new WebSocket(url);
  return ws as unknown as SocketLike;
};

/**
 * Keeps a ProtocolClient connected. After the first successful connection, every later
 * open triggers `client.requestResync({reason: 'reconnect'})` so the app refetches state.
 */
export class ReconnectingSocket<C extends CommandMap<C>, E> {
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private everOpened = false;
  private stateValue: ConnectionState = 'idle';
  private readonly createSocket: SocketFactory;

  constructor(
    private readonly client: ProtocolClient<C, E>,
    private readonly options: ReconnectingSocketOptions,
  ) {
    this.createSocket = options.createSocket ?? defaultFactory;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The delay the next reconnect will wait (for display: "retrying in …"). */
  get nextDelayMs(): number {
    return backoffDelay(this.attempt, this.options);
  }

  start(): void {
    if (this.stateValue !== 'idle' && this.stateValue !== 'stopped') return;
    this.connect();
  }

  /** Close for good: no more reconnects. Pending commands are rejected. */
  stop(): void {
    this.setState('stopped');
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.detach(socket);
      try {
        socket.close(1000, 'client stopped');
      } catch {
        // already closed
      }
    }
    this.client.connectionClosed('client stopped');
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.options.onStateChange?.(state);
  }

  private connect(): void {
    this.timer = null;
    this.setState('connecting');
    const url = typeof this.options.url === 'function' ? this.options.url() : this.options.url;
    let socket: SocketLike;
    try {
      socket = this.createSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.client.connectionOpened((text) => socket.send(text));
      this.setState('open');
      if (this.everOpened) this.client.requestResync({ reason: 'reconnect' });
      this.everOpened = true;
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.client.handleFrame(ev.data); // non-text frames are reported as 'not_text'
    };
    socket.onerror = () => {
      // a close event follows; reconnect is handled there
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.detach(socket);
      this.client.connectionClosed(
        `connection closed${ev?.code !== undefined ? ` (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})` : ''}`,
      );
      this.scheduleReconnect();
    };
  }

  private detach(socket: SocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onerror = null;
    socket.onclose = null;
  }

  private scheduleReconnect(): void {
    if (this.stateValue === 'stopped') return;
    const delay = backoffDelay(this.attempt, this.options);
    this.attempt += 1;
    this.setState('waiting');
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
