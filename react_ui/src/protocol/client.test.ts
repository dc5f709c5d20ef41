import { describe, expect, it, vi } from 'vitest';
import { ProtocolClient, RpcError, createWorkerClient, type ProtocolIssue, type ResyncInfo } from './client';
import type { WorkerCommands, WorkerEvents } from './generated';

function setup() {
  const sent: Array<Record<string, unknown>> = [];
  const resyncs: ResyncInfo[] = [];
  const issues: ProtocolIssue[] = [];
  const client = createWorkerClient({
    onGap: (info) => resyncs.push(info),
    onProtocolIssue: (issue) => issues.push(issue),
  });
  client.connectionOpened((text) => sent.push(JSON.parse(text) as Record<string, unknown>));
  const event = (event: string, seq: number, data: Record<string, unknown> = {}) =>
    client.handleFrame(JSON.stringify({ type: 'event', event, seq, data }));
  return { client, sent, resyncs, issues, event };
}

describe('ProtocolClient requests', () => {
  it('sends command envelopes with increasing ids', async () => {
    const { client, sent } = setup();
    void client.call('ping');
    void client.call('get_node', { uuid: 'n1' });
    void client.send('custom', { a: 1 });
    expect(sent).toEqual([
      { type: 'cmd', id: 1, cmd: 'ping', kwargs: {} },
      { type: 'cmd', id: 2, cmd: 'get_node', kwargs: { uuid: 'n1' } },
      { type: 'cmd', id: 3, cmd: 'custom', kwargs: { a: 1 } },
    ]);
    expect(client.pendingCount).toBe(3);
  });

  it('routes results by id, in any order', async () => {
    const { client } = setup();
    const a = client.call('ping');
    const b = client.call('get_state');
    client.handleFrame(JSON.stringify({ type: 'result', id: 2, result: { nodes: [], edges: [] } }));
    client.handleFrame(JSON.stringify({ type: 'result', id: 1, result: { pong: true } }));
    await expect(b).resolves.toEqual({ nodes: [], edges: [] });
    await expect(a).resolves.toEqual({ pong: true });
    expect(client.pendingCount).toBe(0);
  });

  it('rejects with an RpcError carrying code, message and details', async () => {
    const { client } = setup();
    const p = client.call('connect', { src: 'a', src_io: 'out', dst: 'b', dst_io: 'x' });
    client.handleFrame(
      JSON.stringify({
        type: 'error',
        id: 1,
        error: { code: 'cycle', message: 'would close a cycle', details: { path: ['a', 'b', 'a'] } },
      }),
    );
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({
      code: 'cycle',
      message: 'would close a cycle',
      details: { path: ['a', 'b', 'a'] },
      cmd: 'connect',
    });
  });

  it('error details default to null', async () => {
    const { client } = setup();
    const p = client.send('nope');
    client.handleFrame(JSON.stringify({ type: 'error', id: 1, error: { code: 'unknown_command', message: 'no' } }));
    await expect(p).rejects.toMatchObject({ code: 'unknown_command', details: null });
  });

  it('rejects every pending command when the connection closes', async () => {
    const { client } = setup();
    const a = client.call('ping');
    const b = client.call('get_state');
    client.connectionClosed('socket closed (1006)');
    await expect(a).rejects.toMatchObject({ code: 'connection_closed', message: 'socket closed (1006)' });
    await expect(b).rejects.toMatchObject({ code: 'connection_closed' });
    expect(client.pendingCount).toBe(0);
    expect(client.connected).toBe(false);
  });

  it('rejects at once when not connected', async () => {
    const client = createWorkerClient();
    await expect(client.call('ping')).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('rejects when the transport throws on send', async () => {
    const client = createWorkerClient();
    client.connectionOpened(() => {
      throw new Error('boom');
    });
    await expect(client.call('ping')).rejects.toMatchObject({ code: 'not_connected' });
    expect(client.pendingCount).toBe(0);
  });

  it('times out when asked to', async () => {
    vi.useFakeTimers();
    try {
      const client = createWorkerClient({ timeoutMs: 1000 });
      client.connectionOpened(() => {});
      const p = client.call('ping');
      const caught = p.catch((e: unknown) => e);
      vi.advanceTimersByTime(1001);
      expect(await caught).toMatchObject({ code: 'timeout' });
      expect(client.pendingCount).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a late reply after a timeout is reported, not thrown', async () => {
    vi.useFakeTimers();
    try {
      const issues: ProtocolIssue[] = [];
      const client = createWorkerClient({ timeoutMs: 10, onProtocolIssue: (i) => issues.push(i) });
      client.connectionOpened(() => {});
      const caught = client.call('ping').catch((e: unknown) => e);
      vi.advanceTimersByTime(11);
      await caught;
      client.handleFrame(JSON.stringify({ type: 'result', id: 1, result: null }));
      expect(issues.map((i) => i.reason)).toEqual(['unknown_id']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ProtocolClient events', () => {
  it('dispatches events by name with the envelope', () => {
    const { client, event } = setup();
    const values: unknown[] = [];
    const all: string[] = [];
    client.on('value', (data, env) => values.push([data.uuid, data.io, env.seq]));
    client.onAny((_d, env) => all.push(env.event));
    event('hello', 1, { worker_id: 'w' });
    event('value', 2, { uuid: 'n', io: 'out', preview: {} });
    expect(values).toEqual([['n', 'out', 2]]);
    expect(all).toEqual(['hello', 'value']);
  });

  it('unsubscribe stops delivery', () => {
    const { client, event } = setup();
    const fn = vi.fn();
    const off = client.on('node_status', fn);
    event('node_status', 1, { uuid: 'n', status: 'running' });
    off();
    event('node_status', 2, { uuid: 'n', status: 'done' });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('a throwing handler does not stop the others', () => {
    const { client, event, issues } = setup();
    const fn = vi.fn();
    client.on('value', () => {
      throw new Error('bad handler');
    });
    client.on('value', fn);
    event('value', 1, { uuid: 'n', io: 'o', preview: {} });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(issues.map((i) => i.reason)).toEqual(['handler_threw']);
  });

  it('contiguous seqs do not resync', () => {
    const { event, resyncs } = setup();
    for (let s = 1; s <= 5; s++) event('value', s);
    expect(resyncs).toEqual([]);
  });

  it('a seq gap asks for a resync and still delivers the event', () => {
    const { client, event, resyncs } = setup();
    const fn = vi.fn();
    client.on('node_status', fn);
    event('hello', 1);
    event('node_status', 2, { uuid: 'a', status: 'done' });
    event('node_status', 5, { uuid: 'a', status: 'running' });
    expect(resyncs).toEqual([{ reason: 'gap', expected: 3, got: 5 }]);
    expect(fn).toHaveBeenCalledTimes(2);
    event('node_status', 6, { uuid: 'a', status: 'done' });
    expect(resyncs).toHaveLength(1);
  });

  it('a duplicate / backwards seq is a gap too', () => {
    const { event, resyncs } = setup();
    event('hello', 1);
    event('value', 2);
    event('value', 2);
    expect(resyncs).toEqual([{ reason: 'gap', expected: 3, got: 2 }]);
  });

  it('a first event other than seq 1 is a gap', () => {
    const { event, resyncs } = setup();
    event('value', 4);
    expect(resyncs).toEqual([{ reason: 'gap', expected: 1, got: 4 }]);
  });

  it('a new connection starts the sequence afresh', () => {
    const { client, event, resyncs } = setup();
    event('hello', 1);
    event('value', 2);
    client.connectionClosed();
    client.connectionOpened(() => {});
    event('hello', 1);
    event('value', 2);
    expect(resyncs).toEqual([]);
  });

  it('seq restarting at 1 mid-connection asks for a resync (reset)', () => {
    const { event, resyncs } = setup();
    event('hello', 1);
    event('value', 2);
    event('hello', 1);
    expect(resyncs).toEqual([{ reason: 'reset', expected: 3, got: 1 }]);
  });

  it('onResync subscribers and requestResync', () => {
    const client = new ProtocolClient<WorkerCommands, WorkerEvents>();
    const fn = vi.fn();
    const off = client.onResync(fn);
    client.requestResync({ reason: 'reconnect' });
    off();
    client.requestResync({ reason: 'reconnect' });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith({ reason: 'reconnect' });
  });
});

describe('ProtocolClient malformed frames', () => {
  it.each([
    ['not json', 'invalid_json'],
    ['', 'invalid_json'],
    ['[1,2]', 'not_an_object'],
    ['"text"', 'not_an_object'],
    ['null', 'not_an_object'],
    ['{"type":"bogus"}', 'unknown_type'],
    ['{"no":"type"}', 'unknown_type'],
    ['{"type":"event","event":"value","data":{}}', 'invalid_event'],
    ['{"type":"event","event":"value","seq":"1","data":{}}', 'invalid_event'],
    ['{"type":"event","event":"value","seq":1.5,"data":{}}', 'invalid_event'],
    ['{"type":"event","event":"value","seq":1,"data":[]}', 'invalid_event'],
    ['{"type":"event","seq":1,"data":{}}', 'invalid_event'],
    ['{"type":"result","id":99,"result":1}', 'unknown_id'],
    ['{"type":"result","id":"1","result":1}', 'unknown_id'],
    ['{"type":"error","id":null,"error":{"code":"invalid_json","message":"bad"}}', 'server_error'],
  ])('%s → %s, without throwing or disturbing pending calls', async (frame, reason) => {
    const { client, issues, resyncs } = setup();
    const p = client.call('ping');
    expect(() => client.handleFrame(frame)).not.toThrow();
    expect(issues.map((i) => i.reason)).toEqual([reason]);
    expect(resyncs).toEqual([]);
    expect(client.pendingCount).toBe(1);
    client.handleFrame(JSON.stringify({ type: 'result', id: 1, result: { ok: 1 } }));
    await expect(p).resolves.toEqual({ ok: 1 });
  });

  it('an error reply with a broken body still rejects its request', async () => {
    const { client } = setup();
    const p = client.call('ping');
    client.handleFrame(JSON.stringify({ type: 'error', id: 1, error: 'oops' }));
    await expect(p).rejects.toMatchObject({ code: 'internal_error', message: 'unknown error' });
  });

  it('a server error without id carries the RpcError', () => {
    const { client, issues } = setup();
    client.handleFrame(JSON.stringify({ type: 'error', id: null, error: { code: 'invalid_json', message: 'bad' } }));
    expect(issues[0]?.error).toBeInstanceOf(RpcError);
    expect(issues[0]?.error).toMatchObject({ code: 'invalid_json' });
  });
});

describe('ProtocolClient batch frames', () => {
  const ev = (event: string, seq: number, data: Record<string, unknown> = {}) => ({ type: 'event', event, seq, data });

  it('delivers each event of a batch in order, as if alone', () => {
    const { client, resyncs } = setup();
    const seen: Array<[string, number]> = [];
    client.onAny((_d, env) => seen.push([env.event, env.seq]));
    client.handleFrame(JSON.stringify(ev('hello', 1)));
    client.handleFrame(JSON.stringify({ type: 'batch', events: [ev('node_status', 2), ev('value', 3), ev('node_status', 4)] }));
    client.handleFrame(JSON.stringify(ev('value', 5)));
    expect(seen).toEqual([
      ['hello', 1],
      ['node_status', 2],
      ['value', 3],
      ['node_status', 4],
      ['value', 5],
    ]);
    expect(resyncs).toEqual([]);
  });

  it('a gap inside a batch asks for a resync', () => {
    const { client, resyncs } = setup();
    client.handleFrame(JSON.stringify({ type: 'batch', events: [ev('hello', 1), ev('value', 3)] }));
    expect(resyncs).toEqual([{ reason: 'gap', expected: 2, got: 3 }]);
  });

  it('a malformed batch or entry is reported and the rest still delivered', () => {
    const { client, issues } = setup();
    const fn = vi.fn();
    client.on('value', fn);
    client.handleFrame(JSON.stringify({ type: 'batch', events: 'nope' }));
    client.handleFrame(JSON.stringify({ type: 'batch', events: [42, ev('value', 1)] }));
    expect(issues.map((i) => i.reason)).toEqual(['invalid_event', 'invalid_event']);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
