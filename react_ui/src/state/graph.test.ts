import { describe, expect, it } from 'vitest';
import type { EdgeInfo, StateResult } from '../protocol/generated';
import {
  defaultPosition,
  edgeKey,
  eventAction,
  graphReducer,
  initialGraphState,
  toFlowEdges,
  toFlowNodes,
  type GraphAction,
  type GraphEvent,
  type GraphState,
} from './graph';
import { input, node } from '../testing/fixtures';
import { staleRunsOf } from './runs';


const e1: EdgeInfo = { src: 'n1', src_io: 'out', dst: 'n2', dst_io: 'a' };

function load(state: StateResult): GraphState {
  return graphReducer(initialGraphState, { type: 'state', state });
}

function run(state: GraphState, ...actions: GraphAction[]): GraphState {
  return actions.reduce(graphReducer, state);
}

const ev = eventAction;

describe('graphReducer: get_state', () => {
  it('indexes nodes by uuid and edges by key, keeping order', () => {
    const s = load({
      nodes: [node('n2'), node('n1', { inputs: [input('a', { connected: true })] })],
      edges: [e1],
    });
    expect(s.order).toEqual(['n2', 'n1']);
    expect(Object.keys(s.nodes).sort()).toEqual(['n1', 'n2']);
    expect(s.edges[edgeKey(e1)]).toEqual(e1);
    expect(s.loaded).toBe(true);
    expect(s.needsRefetch).toBe(false);
  });

  it('replaces everything and clears needsRefetch', () => {
    let s = load({ nodes: [node('old')], edges: [] });
    s = run(s, ev('graph_replaced', {}));
    expect(s.needsRefetch).toBe(true);
    s = graphReducer(s, { type: 'state', state: { nodes: [node('new')], edges: [] } });
    expect(s.order).toEqual(['new']);
    expect(s.nodes.old).toBeUndefined();
    expect(s.needsRefetch).toBe(false);
  });

  it('resync action sets needsRefetch (idempotent)', () => {
    const s = run(initialGraphState, { type: 'resync' });
    expect(s.needsRefetch).toBe(true);
    expect(graphReducer(s, { type: 'resync' })).toBe(s);
  });
});

describe('graphReducer: events', () => {
  const base = () => load({ nodes: [node('n1'), node('n2')], edges: [] });

  it('node_added / node_removed', () => {
    let s = run(base(), ev('node_added', node('n3')));
    expect(s.order).toEqual(['n1', 'n2', 'n3']);
    s = run(s, ev('node_added', node('n3', { name: 'again' })));
    expect(s.order).toEqual(['n1', 'n2', 'n3']); // no duplicate
    expect(s.nodes.n3?.name).toBe('again');
    s = run(s, ev('node_removed', { uuid: 'n2' }));
    expect(s.order).toEqual(['n1', 'n3']);
    expect(s.nodes.n2).toBeUndefined();
  });

  it('node_removed drops its edges too', () => {
    let s = run(base(), ev('edge_added', e1));
    s = run(s, ev('node_removed', { uuid: 'n1' }));
    expect(Object.keys(s.edges)).toEqual([]);
    expect(s.nodes.n2?.inputs[0]?.connected).toBe(false);
  });

  it('edge_added marks the input connected; edge_removed clears it', () => {
    let s = run(base(), ev('edge_added', e1));
    expect(Object.values(s.edges)).toEqual([e1]);
    expect(s.nodes.n2?.inputs[0]?.connected).toBe(true);
    s = run(s, ev('edge_removed', { ...e1, reason: 'type changed' }));
    expect(s.edges).toEqual({});
    expect(s.nodes.n2?.inputs[0]?.connected).toBe(false);
  });

  it('edge_added strips extra fields, edge_removed of unknown edge is a no-op', () => {
    const s = run(base(), ev('edge_added', { ...e1, extra: 1 }));
    expect(Object.values(s.edges)).toEqual([e1]);
    const same = graphReducer(s, ev('edge_removed', { ...e1, dst_io: 'zzz' }));
    expect(same).toBe(s);
  });

  it('node_status and progress', () => {
    let s = run(base(), ev('node_status', { uuid: 'n1', status: 'running' }));
    expect(s.nodes.n1?.status).toBe('running');
    s = run(s, ev('progress', { uuid: 'n1', fraction: 0.5, message: 'halfway' }));
    expect(s.progress.n1).toEqual({ uuid: 'n1', fraction: 0.5, message: 'halfway' });
    s = run(s, ev('progress', { uuid: 'n1', fraction: 0.75, message: 'more' }));
    expect(s.progress.n1?.fraction).toBe(0.75);
    s = run(s, ev('node_status', { uuid: 'n1', status: 'done' }));
    expect(s.nodes.n1?.status).toBe('done');
    expect(s.progress.n1).toBeUndefined();
  });

  it('progress for an unknown node is ignored', () => {
    const s = base();
    expect(graphReducer(s, ev('progress', { uuid: 'x', fraction: null, message: '' }))).toBe(s);
  });

  it('value: latest wins', () => {
    const s = run(
      base(),
      ev('value', { uuid: 'n1', io: 'out', preview: { kind: 'json', value: 1 } }),
      ev('value', { uuid: 'n1', io: 'out', preview: { kind: 'json', value: 2 } }),
    );
    expect(s.nodes.n1?.outputs[0]?.preview).toEqual({ kind: 'json', value: 2 });
    expect(s.nodes.n2?.outputs[0]?.preview).toEqual({ kind: 'empty', type: 'NoValue' });
  });

  it('value for an unknown node or output is ignored', () => {
    const s = base();
    expect(graphReducer(s, ev('value', { uuid: 'zz', io: 'out', preview: {} }))).toBe(s);
    const t = graphReducer(s, ev('value', { uuid: 'n1', io: 'nope', preview: {} }));
    expect(t.nodes.n1).toBe(s.nodes.n1);
  });

  it('node_error sets the error; running clears it', () => {
    let s = run(
      base(),
      ev('node_error', { uuid: 'n1', message: 'boom', type: 'ValueError', traceback: 'tb' }),
      ev('node_status', { uuid: 'n1', status: 'error' }),
    );
    expect(s.nodes.n1?.error).toEqual({ message: 'boom', type: 'ValueError', traceback: 'tb' });
    expect(s.nodes.n1?.status).toBe('error');
    s = run(s, ev('node_status', { uuid: 'n1', status: 'running' }));
    expect(s.nodes.n1?.error).toBeNull();
  });

  it('a frame of events is one update, in order, and only the nodes they touch change', () => {
    const s = base();
    const events = [
      ev('node_status', { uuid: 'n1', status: 'running' }),
      ev('value', { uuid: 'n1', io: 'out', preview: { kind: 'json', value: 1 } }),
      ev('value', { uuid: 'n1', io: 'out', preview: { kind: 'json', value: 2 } }),
      ev('node_status', { uuid: 'n1', status: 'done' }),
    ] as GraphEvent[];
    const batched = graphReducer(s, { type: 'events', events });
    expect(batched).toEqual(run(s, ...events));
    expect(batched.nodes.n1?.outputs[0]?.preview).toEqual({ kind: 'json', value: 2 });
    expect(batched.nodes.n1?.status).toBe('done');
    expect(batched.nodes.n2).toBe(s.nodes.n2);
    expect(graphReducer(s, { type: 'events', events: [] })).toBe(s);
  });

  it('waiting and blocked clear an old error too; stale keeps it', () => {
    const failed = run(
      base(),
      ev('node_error', { uuid: 'n1', message: 'boom', type: 'ValueError', traceback: 'tb' }),
      ev('node_status', { uuid: 'n1', status: 'error' }),
    );
    for (const status of ['waiting', 'blocked'] as const) {
      const s = run(failed, ev('node_status', { uuid: 'n1', status }));
      expect(s.nodes.n1?.error).toBeNull();
      expect(s.nodes.n1?.status).toBe(status);
    }
    expect(run(failed, ev('node_status', { uuid: 'n1', status: 'stale' })).nodes.n1?.error).not.toBeNull();
  });

  it('input_changed updates value, preview and has_value', () => {
    let s = run(base(), ev('input_changed', { uuid: 'n1', io: 'a', preview: { kind: 'json', value: 40 }, has_value: true, value: 40 }));
    expect(s.nodes.n1?.inputs[0]).toMatchObject({ has_value: true, value: 40, preview: { kind: 'json', value: 40 } });
    s = run(s, ev('input_changed', { uuid: 'n1', io: 'a', preview: { kind: 'empty', type: 'NoValue' }, has_value: false }));
    expect(s.nodes.n1?.inputs[0]).toMatchObject({ has_value: false, value: null });
  });

  it('input_options replaces the choices of a column picker and keeps its value', () => {
    const picker = input('column', { type: 'str', schema: { type: 'string', 'x-options-from': 'table' }, options: ['a'], value: 'a', has_value: true });
    const start = load({ nodes: [node('n1', { inputs: [input('table'), picker] })], edges: [] });
    const s = run(start, ev('input_options', { uuid: 'n1', io: 'column', options: ['city', 'amount'] }));
    expect(s.nodes.n1?.inputs[1]).toMatchObject({ options: ['city', 'amount'], value: 'a' });
    expect(s.nodes.n1?.inputs[0]).toBe(start.nodes.n1?.inputs[0]);
    // unknown nodes and inputs are ignored
    expect(run(s, ev('input_options', { uuid: 'nx', io: 'column', options: [] }))).toBe(s);
    expect(run(s, ev('input_options', { uuid: 'n1', io: 'nope', options: [] })).nodes.n1).toBe(s.nodes.n1);
  });

  it('node_updated replaces the properties', () => {
    let s = run(base(), ev('node_updated', { uuid: 'n1', properties: { position: { x: 1, y: 2 }, name: 'x' } }));
    s = run(s, ev('node_updated', { uuid: 'n1', properties: { position: { x: 5, y: 6 } } }));
    expect(s.nodes.n1?.properties).toEqual({ position: { x: 5, y: 6 } });
  });

  it('node_rebound replaces the node and drops edges', () => {
    let s = run(base(), ev('edge_added', e1));
    const rebound = node('n2', { node_id: 'gone.type', placeholder: true, inputs: [] });
    s = run(
      s,
      ev('node_rebound', {
        uuid: 'n2',
        node_id: 'gone.type',
        placeholder: true,
        dropped_inputs: ['a'],
        dropped_edges: [e1],
        node: rebound,
      }),
    );
    expect(s.edges).toEqual({});
    expect(s.nodes.n2).toEqual(rebound);
    expect(s.order).toEqual(['n1', 'n2']);
  });

  it('graph_replaced only flags a refetch', () => {
    const s = base();
    const t = graphReducer(s, ev('graph_replaced', {}));
    expect(t.needsRefetch).toBe(true);
    expect(t.nodes).toBe(s.nodes);
  });

  it('events that are not graph state leave it untouched', () => {
    const s = base();
    expect(graphReducer(s, ev('hello', { worker_id: 'w' }))).toBe(s);
    expect(graphReducer(s, ev('library_changed', {}))).toBe(s);
    expect(graphReducer(s, ev('totally_unknown', {}))).toBe(s);
  });

  it('events for unknown nodes are ignored', () => {
    const s = base();
    expect(graphReducer(s, ev('node_status', { uuid: 'zz', status: 'done' }))).toBe(s);
    expect(graphReducer(s, ev('node_updated', { uuid: 'zz', properties: {} }))).toBe(s);
    expect(graphReducer(s, ev('node_removed', { uuid: 'zz' }))).toBe(s);
  });

  it('does not mutate the previous state', () => {
    const s = base();
    const snapshot = JSON.stringify(s);
    run(
      s,
      ev('edge_added', e1),
      ev('value', { uuid: 'n1', io: 'out', preview: { v: 1 } }),
      ev('node_status', { uuid: 'n1', status: 'running' }),
      ev('node_removed', { uuid: 'n2' }),
    );
    expect(JSON.stringify(s)).toBe(snapshot);
  });
});

describe('graphReducer: superseded runs finishing (stale_runs)', () => {
  const count = (s: GraphState, uuid: string) => staleRunsOf(s.nodes[uuid] ?? {});

  it('sets the count on its node only, and clears it at 0', () => {
    let s = load({ nodes: [node('n1'), node('n2')], edges: [] });
    const n2 = s.nodes.n2;
    s = run(s, ev('stale_runs', { uuid: 'n1', count: 1 }));
    expect(count(s, 'n1')).toBe(1);
    expect(s.nodes.n2).toBe(n2);
    s = run(s, ev('stale_runs', { uuid: 'n1', count: 2 }));
    expect(count(s, 'n1')).toBe(2);
    s = run(s, ev('stale_runs', { uuid: 'n1', count: 0 }));
    expect(count(s, 'n1')).toBe(0);
    expect('stale_runs' in (s.nodes.n1 ?? {})).toBe(false);
  });

  it('leaves the state alone for an unchanged count or an unknown node', () => {
    let s = load({ nodes: [node('n1')], edges: [] });
    expect(graphReducer(s, ev('stale_runs', { uuid: 'n1', count: 0 }))).toBe(s);
    expect(graphReducer(s, ev('stale_runs', { uuid: 'zz', count: 1 }))).toBe(s);
    s = run(s, ev('stale_runs', { uuid: 'n1', count: 1 }));
    expect(graphReducer(s, ev('stale_runs', { uuid: 'n1', count: 1 }))).toBe(s);
  });

  it('survives status changes and values, but not a removal or a refetch', () => {
    let s = load({ nodes: [node('n1'), node('n2')], edges: [] });
    s = run(
      s,
      ev('stale_runs', { uuid: 'n1', count: 1 }),
      ev('node_status', { uuid: 'n1', status: 'running' }),
      ev('value', { uuid: 'n1', io: 'out', preview: { kind: 'int', text: '3' } }),
      ev('stale_runs', { uuid: 'n2', count: 3 }),
    );
    expect(count(s, 'n1')).toBe(1);
    s = run(s, ev('node_removed', { uuid: 'n2' }), ev('node_added', node('n2')));
    expect(count(s, 'n2')).toBe(0);
    s = graphReducer(s, { type: 'state', state: { nodes: [node('n1')], edges: [] } });
    expect(count(s, 'n1')).toBe(0);
  });

  it('keeps the count when the node gets new code', () => {
    let s = load({ nodes: [node('n1')], edges: [] });
    s = run(
      s,
      ev('stale_runs', { uuid: 'n1', count: 1 }),
      ev('node_rebound', { uuid: 'n1', node_id: 'bench.add1', placeholder: false, dropped_edges: [], dropped_inputs: [], node: node('n1', { name: 'new' }) }),
    );
    expect(s.nodes.n1?.name).toBe('new');
    expect(count(s, 'n1')).toBe(1);
  });
});

describe('React Flow conversion', () => {
  it('uses properties.position, else default grid slots', () => {
    const s = load({
      nodes: [
        node('a', { properties: { position: { x: 10, y: 20 } } }),
        node('b'),
        node('c', { properties: { position: { x: 'bad', y: 1 } } }),
        node('d', { properties: { position: null } }),
      ],
      edges: [],
    });
    const flow = toFlowNodes(s, { columns: 2, dx: 100, dy: 50 });
    expect(flow.map((n) => [n.id, n.position])).toEqual([
      ['a', { x: 10, y: 20 }],
      ['b', { x: 0, y: 0 }],
      ['c', { x: 100, y: 0 }],
      ['d', { x: 0, y: 50 }],
    ]);
    expect(flow[0]?.type).toBe('nodeweave');
    expect(flow[0]?.data.info.uuid).toBe('a');
    expect(flow[0]?.data.progress).toBeNull();
  });

  it('defaultPosition grid', () => {
    expect(defaultPosition(0)).toEqual({ x: 0, y: 0 });
    expect(defaultPosition(5, { columns: 4, dx: 10, dy: 20, origin: { x: 1, y: 2 } })).toEqual({ x: 11, y: 22 });
  });

  it('edges use io names as handles and skip dangling ones', () => {
    const s = load({ nodes: [node('n1'), node('n2')], edges: [e1, { src: 'n1', src_io: 'out', dst: 'ghost', dst_io: 'a' }] });
    expect(toFlowEdges(s)).toEqual([
      { id: 'n1:out->n2:a', source: 'n1', sourceHandle: 'out', target: 'n2', targetHandle: 'a' },
    ]);
  });

  it('carries progress into node data', () => {
    const s = run(
      load({ nodes: [node('n1')], edges: [] }),
      ev('node_status', { uuid: 'n1', status: 'running' }),
      ev('progress', { uuid: 'n1', fraction: 0.25, message: 'q' }),
    );
    expect(toFlowNodes(s)[0]?.data.progress).toEqual({ uuid: 'n1', fraction: 0.25, message: 'q' });
  });
});

describe('graphReducer: caches, streams and composites', () => {
  it('marks a cache hit until the node runs again; stale and done keep the mark', () => {
    let s = load({ nodes: [node('n1', { status: 'done' })], edges: [] });
    s = run(s, ev('node_status', { uuid: 'n1', status: 'stale' }), ev('node_status', { uuid: 'n1', status: 'done' }), ev('cache_hit', { uuid: 'n1' }));
    expect(s.nodes.n1?.cached).toBe('memory');
    s = run(s, ev('cache_hit', { uuid: 'n1', source: 'disk' }));
    expect(s.nodes.n1?.cached).toBe('disk');
    const same = run(s, ev('node_status', { uuid: 'n1', status: 'stale' }), ev('node_status', { uuid: 'n1', status: 'done' }));
    expect(same.nodes.n1?.cached).toBe('disk');
    s = run(s, ev('node_status', { uuid: 'n1', status: 'running' }));
    expect(s.nodes.n1?.cached).toBeNull();
    s = run(s, ev('node_status', { uuid: 'n1', status: 'done' }));
    expect(s.nodes.n1?.cached).toBeNull();
  });

  it('takes the cache mark from get_state as it is', () => {
    const s = load({ nodes: [node('n1', { status: 'done', cached: 'disk' })], edges: [] });
    expect(s.nodes.n1?.cached).toBe('disk');
  });

  it('follows a stream going live and ending; a run or a failure ends it too', () => {
    let s = load({ nodes: [node('src', { status: 'running' })], edges: [] });
    s = run(s, ev('node_status', { uuid: 'src', status: 'done' }), ev('stream', { uuid: 'src', live: true }));
    expect(s.nodes.src?.live).toBe(true);
    const unchanged = run(s, ev('stream', { uuid: 'src', live: true }));
    expect(unchanged).toBe(s);
    expect(run(s, ev('stream', { uuid: 'src', live: false })).nodes.src?.live).toBe(false);
    expect(run(s, ev('node_status', { uuid: 'src', status: 'running' })).nodes.src?.live).toBe(false);
    // values keep flowing while live: the status stays done
    expect(run(s, ev('value', { uuid: 'src', io: 'out', preview: { kind: 'json', type: 'int', value: 2 } })).nodes.src?.live).toBe(true);
  });

  it('keeps the composite definitions of get_state and follows composite_changed', () => {
    const def = { name: 'Twice', nodes: [], edges: [], inputs: [], outputs: [] };
    let s = load({ nodes: [], edges: [], composites: { twice: def } });
    expect(s.composites.twice?.name).toBe('Twice');
    s = run(s, ev('composite_changed', { id: 'other', composite: { ...def, name: 'Other' } }));
    expect(Object.keys(s.composites).sort()).toEqual(['other', 'twice']);
    s = run(s, ev('composite_changed', { id: 'twice', composite: null }));
    expect(Object.keys(s.composites)).toEqual(['other']);
    expect(load({ nodes: [], edges: [] }).composites).toEqual({});
  });
});
