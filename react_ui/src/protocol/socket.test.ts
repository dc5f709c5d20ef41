import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHubClient, type ResyncInfo } from './client';
import { ReconnectingSocket, backoffDelay, type ConnectionState, type SocketLike } from './socket';

class FakeSocket implements SocketLike {
  sent: string[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(public url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }
  // test drivers
  open() {
    this.onopen?.({});
  }
  message(data: unknown) {
    this.onmessage?.({ data });
  }
  drop(code = 1006) {
    this.onerror?.({});
    this.onclose?.({ code, reason: '' });
  }
}

function setup(opts: { initialDelayMs?: number; maxDelayMs?: number; factor?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const states: ConnectionState[] = [];
  const resyncs: ResyncInfo[] = [];
  const client = createHubClient({ onGap: (i) => resyncs.push(i) });
  let n = 0;
  const conn = new ReconnectingSocket(client, {
    url: () => `ws://hub/ws?try=${++n}`,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onStateChange: (s) => states.push(s),
    ...opts,
  });
  const last = () => {
    const s = sockets[sockets.length - 1];
    if (!s) throw new Error('no socket');
    return s;
  };
  return { client, conn, sockets, states, resyncs, last };
}

describe('backoffDelay', () => {
  it('grows exponentially and is capped', () => {
    const o = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };
    expect([0, 1, 2, 3, 4, 5, 50, 5000].map((a) => backoffDelay(a, o))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000, 1000,
    ]);
  });
  it('has sane defaults', () => {
    expect(backoffDelay(0)).toBe(250);
    expect(backoffDelay(100)).toBe(10_000);
  });
});

describe('ReconnectingSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects, sends and receives through the client', async () => {
    const { client, conn, last, states } = setup();
    conn.start();
    expect(states).toEqual(['connecting']);
    last().open();
    expect(conn.state).toBe('open');
    const p = client.call('list_workers');
    expect(JSON.parse(last().sent[0] ?? '')).toEqual({ type: 'cmd', id: 1, cmd: 'list_workers', kwargs: {} });
    last().message(JSON.stringify({ type: 'result', id: 1, result: [] }));
    await expect(p).resolves.toEqual([]);
  });

  it('reconnects with capped exponential backoff and resyncs after reconnecting', async () => {
    const { client, conn, sockets, last, resyncs } = setup({ initialDelayMs: 100, maxDelayMs: 400 });
    conn.start();
    last().open();
    expect(resyncs).toEqual([]); // first connection: nothing to resync

    const pending = client.call('ping').catch((e: unknown) => e);
    last().drop();
    expect(await pending).toMatchObject({ code: 'connection_closed' });
    expect(conn.state).toBe('waiting');

    // failed attempts: 100, 200, 400, 400 (capped)
    const delays = [100, 200, 400, 400];
    for (const d of delays) {
      const before = sockets.length;
      vi.advanceTimersByTime(d - 1);
      expect(sockets.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(sockets.length).toBe(before + 1);
      last().drop(); // handshake failed
    }
    // next one succeeds
    vi.advanceTimersByTime(400);
    last().open();
    expect(conn.state).toBe('open');
    expect(resyncs).toEqual([{ reason: 'reconnect' }]);
    expect(sockets.map((s) => s.url)).toEqual([
      'ws://hub/ws?try=1',
      'ws://hub/ws?try=2',
      'ws://hub/ws?try=3',
      'ws://hub/ws?try=4',
      'ws://hub/ws?try=5',
      'ws://hub/ws?try=6',
    ]);

    // a successful open resets the backoff
    last().drop();
    const before = sockets.length;
    vi.advanceTimersByTime(100);
    expect(sockets.length).toBe(before + 1);
  });

  it('the event sequence restarts on a new connection', () => {
    const { conn, last, resyncs } = setup({ initialDelayMs: 10 });
    conn.start();
    last().open();
    last().message(JSON.stringify({ type: 'event', event: 'worker_status', seq: 1, data: { id: 'a', name: 'a', status: 'running' } }));
    last().message(JSON.stringify({ type: 'event', event: 'worker_status', seq: 2, data: { id: 'a', name: 'a', status: 'stopped' } }));
    last().drop();
    vi.advanceTimersByTime(10);
    last().open();
    last().message(JSON.stringify({ type: 'event', event: 'worker_status', seq: 1, data: { id: 'a', name: 'a', status: 'running' } }));
    expect(resyncs).toEqual([{ reason: 'reconnect' }]); // no gap/reset on top
  });

  it('stop() closes the socket and cancels reconnects', async () => {
    const { client, conn, sockets, last } = setup({ initialDelayMs: 10 });
    conn.start();
    last().open();
    const p = client.call('ping').catch((e: unknown) => e);
    conn.stop();
    expect(await p).toMatchObject({ code: 'connection_closed' });
    expect(last().closed).toEqual({ code: 1000, reason: 'client stopped' });
    vi.advanceTimersByTime(100_000);
    expect(sockets).toHaveLength(1);
    expect(conn.state).toBe('stopped');

    // stop while waiting for a retry
    const b = setup({ initialDelayMs: 10 });
    b.conn.start();
    b.last().drop();
    b.conn.stop();
    vi.advanceTimersByTime(100_000);
    expect(b.sockets).toHaveLength(1);
  });

  it('ignores events from a socket it has given up', () => {
    const { client, conn, last } = setup({ initialDelayMs: 10 });
    const fn = vi.fn();
    client.onAny(fn);
    conn.start();
    const old = last();
    old.open();
    const { onmessage } = old;
    old.drop();
    onmessage?.({ data: JSON.stringify({ type: 'event', event: 'x', seq: 1, data: {} }) });
    expect(fn).not.toHaveBeenCalled();
  });

  it('a socket factory that throws is retried', () => {
    const client = createHubClient();
    let calls = 0;
    const conn = new ReconnectingSocket(client, {
      url: 'ws://x/ws',
      initialDelayMs: 50,
      createSocket: () => {
        calls++;
        throw new Error('bad url');
      },
    });
    conn.start();
    expect(calls).toBe(1);
    vi.advanceTimersByTime(50);
    expect(calls).toBe(2);
    conn.stop();
  });

  it('binary frames are reported as protocol issues', () => {
    const issues: string[] = [];
    const client = createHubClient({ onProtocolIssue: (i) => issues.push(i.reason) });
    const socks: FakeSocket[] = [];
    const conn = new ReconnectingSocket(client, {
      url: 'ws://x/ws',
      createSocket: (u) => {
        const s = new FakeSocket(u);
        socks.push(s);
        return s;
      },
    });
    conn.start();
    socks[0]?.open();
    socks[0]?.message(new ArrayBuffer(2));
    expect(issues).toEqual(['not_text']);
  });
});
