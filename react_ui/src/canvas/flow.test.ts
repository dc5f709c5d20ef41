import { applyNodeChanges, type NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import type { EdgeInfo, StateResult } from '../protocol/generated';
import { eventAction, graphReducer, initialGraphState, type FlowNode, type GraphAction, type GraphState } from '../state/graph';
import {
  centredAt,
  clampToBox,
  CARD_SIZE,
  edgeClass,
  edgeInto,
  finishedMoves,
  freeSpot,
  INSPECTED_CLASS,
  nodeBox,
  roundPosition,
  settledPins,
  syncFlowEdges,
  syncFlowNodes,
  type NodeSource,
} from './flow';
import { node } from '../testing/fixtures';


const at = (x: number, y: number) => ({ properties: { position: { x, y } } });
const e1: EdgeInfo = { src: 'n1', src_io: 'out', dst: 'n2', dst_io: 'a' };

function load(state: StateResult): GraphState {
  return graphReducer(initialGraphState, { type: 'state', state });
}

function run(state: GraphState, ...actions: GraphAction[]): GraphState {
  return actions.reduce(graphReducer, state);
}

function source(g: GraphState, inspected: string | null = null): NodeSource {
  return { order: g.order, nodes: g.nodes, progress: g.progress, inspected };
}

/** A graph of `n` positioned nodes, chained n0 → n1 → … */
function chain(n: number): GraphState {
  const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`, at(i * 260, 0)));
  const edges = nodes.slice(1).map((_, i) => ({ src: `n${i}`, src_io: 'out', dst: `n${i + 1}`, dst_io: 'a' }));
  return load({ nodes, edges });
}

describe('syncFlowNodes', () => {
  it('builds nodeweave flow nodes at saved positions, grid slots otherwise', () => {
    const g = load({ nodes: [node('n1', at(10, 20)), node('n2'), node('n3')], edges: [] });
    const nodes = syncFlowNodes([], source(g));
    expect(nodes.map((n) => [n.id, n.type, n.position])).toEqual([
      ['n1', 'nodeweave', { x: 10, y: 20 }],
      ['n2', 'nodeweave', { x: 0, y: 0 }],
      ['n3', 'nodeweave', { x: 260, y: 0 }],
    ]);
    expect(nodes[0]?.data.info).toBe(g.nodes.n1);
    expect(nodes[0]?.data.progress).toBeNull();
  });

  it('returns the previous array when nothing changed', () => {
    const g = chain(3);
    const first = syncFlowNodes([], source(g));
    expect(syncFlowNodes(first, source(g))).toBe(first);
  });

  it('leaves the flow nodes alone on a value event (the card reads it from the NodeStore)', () => {
    const g = chain(200);
    const first = syncFlowNodes([], source(g));
    const g2 = run(g, eventAction('value', { uuid: 'n7', io: 'out', preview: { kind: 'json', value: 1 } }));
    expect(syncFlowNodes(first, source(g2))).toBe(first);
  });

  it('replaces only the node whose status changed (the minimap colours it)', () => {
    const g = chain(200);
    const first = syncFlowNodes([], source(g));
    const g2 = run(
      g,
      eventAction('value', { uuid: 'n7', io: 'out', preview: { kind: 'json', value: 1 } }),
      eventAction('node_status', { uuid: 'n7', status: 'running' }),
      // n8 went stale and back to done within one frame: nothing for React Flow
      eventAction('node_status', { uuid: 'n8', status: 'stale' }),
      eventAction('node_status', { uuid: 'n8', status: g.nodes.n8?.status ?? 'idle' }),
    );
    const next = syncFlowNodes(first, source(g2));
    const changed = next.filter((n, i) => n !== first[i]).map((n) => n.id);
    expect(changed).toEqual(['n7']);
    expect(next[7]?.data.info).toBe(g2.nodes.n7);
    expect(next[7]?.data.info.outputs[0]?.preview).toEqual({ kind: 'json', value: 1 });
  });

  it('replaces a node whose progress changed, keeping its info', () => {
    const g = run(chain(2), eventAction('node_status', { uuid: 'n1', status: 'running' }));
    const first = syncFlowNodes([], source(g));
    const g2 = run(g, eventAction('progress', { uuid: 'n1', fraction: 0.5, message: 'half' }));
    const next = syncFlowNodes(first, source(g2));
    expect(next[0]).toBe(first[0]);
    expect(next[1]?.data.progress).toEqual({ uuid: 'n1', fraction: 0.5, message: 'half' });
    expect(next[1]?.data.info).toBe(first[1]?.data.info);
  });

  it('keeps what React Flow wrote (measured size, selection) on a changed node', () => {
    const g = chain(2);
    let nodes = syncFlowNodes([], source(g));
    const changes: NodeChange<FlowNode>[] = [
      { id: 'n0', type: 'dimensions', dimensions: { width: 240, height: 130 } },
      { id: 'n0', type: 'select', selected: true },
    ];
    nodes = applyNodeChanges(changes, nodes);
    const g2 = run(g, eventAction('node_status', { uuid: 'n0', status: 'done' }));
    const next = syncFlowNodes(nodes, source(g2));
    expect(next[0]).not.toBe(nodes[0]);
    expect(next[0]?.measured).toEqual({ width: 240, height: 130 });
    expect(next[0]?.selected).toBe(true);
    expect(next[0]?.data.info.status).toBe('done');
  });

  it('applies positions from the graph (another tab moved the node)', () => {
    const g = chain(2);
    const first = syncFlowNodes([], source(g));
    const g2 = run(g, eventAction('node_updated', { uuid: 'n1', properties: { position: { x: 5, y: 6 } } }));
    const next = syncFlowNodes(first, source(g2));
    expect(next[1]?.position).toEqual({ x: 5, y: 6 });
    expect(next[0]).toBe(first[0]);
  });

  it('keeps the local position while a node is dragged', () => {
    const g = chain(2);
    let nodes = syncFlowNodes([], source(g));
    nodes = applyNodeChanges([{ id: 'n1', type: 'position', position: { x: 400, y: 90 }, dragging: true }], nodes);
    const g2 = run(
      g,
      eventAction('node_updated', { uuid: 'n1', properties: { position: { x: 5, y: 6 } } }),
      eventAction('value', { uuid: 'n1', io: 'out', preview: { kind: 'json', value: 2 } }),
    );
    const next = syncFlowNodes(nodes, source(g2));
    expect(next[1]?.position).toEqual({ x: 400, y: 90 });
    expect(next[1]).toBe(nodes[1]); // the value reaches the card through the NodeStore
  });

  it('shows a saved but unconfirmed position (pin) over the graph position', () => {
    const g = chain(2);
    const nodes = syncFlowNodes([], source(g));
    const pins = new Map([['n1', { x: 300, y: 40 }]]);
    // a value event arrives before the worker echoed the move: no jump back
    const g2 = run(g, eventAction('value', { uuid: 'n1', io: 'out', preview: { kind: 'json', value: 3 } }));
    expect(syncFlowNodes(nodes, source(g2), pins)[1]?.position).toEqual({ x: 300, y: 40 });
  });

  it('marks the inspected node with a class, and only it changes when that moves', () => {
    const g = chain(3);
    const a = syncFlowNodes([], source(g, 'n1'));
    expect(a.map((n) => n.className)).toEqual([undefined, INSPECTED_CLASS, undefined]);
    const b = syncFlowNodes(a, source(g, 'n2'));
    expect(b[0]).toBe(a[0]);
    expect(b[1]?.className).toBeUndefined();
    expect(b[2]?.className).toBe(INSPECTED_CLASS);
    expect(b[1]?.data).toBe(a[1]?.data); // the card body does not re-render
  });

  it('adds and removes nodes', () => {
    const g = chain(2);
    const first = syncFlowNodes([], source(g));
    const g2 = run(g, eventAction('node_added', node('n9', at(1, 2))), eventAction('node_removed', { uuid: 'n0' }));
    const next = syncFlowNodes(first, source(g2));
    expect(next.map((n) => n.id)).toEqual(['n1', 'n9']);
    expect(next[0]).toBe(first[1]); // n1 lost its incoming edge: its card learns it from the NodeStore
  });
});

describe('pins and moves', () => {
  it('settles a pin once the worker reports that position, or the node is gone', () => {
    const g = chain(2);
    const pins = new Map([
      ['n0', { x: 0, y: 0 }],
      ['n1', { x: 1, y: 1 }],
      ['gone', { x: 0, y: 0 }],
    ]);
    expect(settledPins(pins, g.nodes).sort()).toEqual(['gone', 'n0']);
  });

  it('collects positions where drags and keyboard moves ended, rounded', () => {
    const moves = finishedMoves([
      { id: 'a', type: 'position', position: { x: 1.4, y: 2.6 }, dragging: true },
      { id: 'b', type: 'position', position: { x: 10.5, y: -3.2 }, dragging: false },
      { id: 'c', type: 'position', dragging: false },
      { id: 'd', type: 'select', selected: true },
    ]);
    expect([...moves]).toEqual([['b', { x: 11, y: -3 }]]);
  });

  it('rounds positions to whole pixels', () => {
    expect(roundPosition({ x: 0.4, y: 99.5 })).toEqual({ x: 0, y: 100 });
  });
});

describe('syncFlowEdges', () => {
  it('builds edges with io names as handles', () => {
    const g = load({ nodes: [node('n1'), node('n2')], edges: [e1] });
    const edges = syncFlowEdges([], g);
    expect(edges).toEqual([
      expect.objectContaining({
        id: 'n1:out->n2:a',
        source: 'n1',
        sourceHandle: 'out',
        target: 'n2',
        targetHandle: 'a',
        animated: false,
      }),
    ]);
  });

  it('is unchanged by value events, animated while the source runs', () => {
    const g = chain(3);
    const first = syncFlowEdges([], g);
    const g2 = run(g, eventAction('value', { uuid: 'n1', io: 'out', preview: { kind: 'json', value: 1 } }));
    expect(syncFlowEdges(first, g2)).toBe(first);
    const g3 = run(g2, eventAction('node_status', { uuid: 'n1', status: 'running' }));
    const next = syncFlowEdges(first, g3);
    expect(next[0]).toBe(first[0]);
    expect(next[1]?.animated).toBe(true);
    expect(next[1]?.className).toBe('nw-edge-running');
  });

  it('keeps the selection of an edge', () => {
    const g = chain(2);
    const first = syncFlowEdges([], g);
    const selected = [{ ...first[0]!, selected: true }];
    const g2 = run(g, eventAction('node_status', { uuid: 'n0', status: 'running' }));
    expect(syncFlowEdges(selected, g2)[0]?.selected).toBe(true);
  });

  it('drops edges whose nodes are unknown', () => {
    const g = load({ nodes: [node('n1')], edges: [e1] });
    expect(syncFlowEdges([], g)).toEqual([]);
  });

  it('classes edges by the state of their ends', () => {
    expect(edgeClass(node('a', { status: 'running' }), node('b'))).toBe('nw-edge-running');
    expect(edgeClass(node('a'), node('b', { status: 'error' }))).toBe('nw-edge-error');
    expect(edgeClass(node('a', { status: 'error' }), node('b', { status: 'blocked' }))).toBe('nw-edge-blocked');
    expect(edgeClass(node('a', { status: 'done' }), node('b'))).toBeUndefined();
  });

  it('finds the edge that drives an input', () => {
    const g = chain(3);
    expect(edgeInto(g.edges, 'n2', 'a')).toEqual({ src: 'n1', src_io: 'out', dst: 'n2', dst_io: 'a' });
    expect(edgeInto(g.edges, 'n0', 'a')).toBeNull();
  });
});

describe('placing new nodes', () => {
  it('centres a card on a point', () => {
    expect(centredAt({ x: 500, y: 300 })).toEqual({ x: 500 - CARD_SIZE.width / 2, y: 300 - CARD_SIZE.height / 2 });
  });

  const card = (x: number, y: number, width = 240, height = 120) => ({ x, y, width, height });

  it('places a new node where asked when nothing is in the way', () => {
    expect(freeSpot({ x: 100.4, y: 99.6 }, [])).toEqual({ x: 100, y: 100 });
    expect(freeSpot({ x: 100, y: 100 }, [card(1000, 1000)])).toEqual({ x: 100, y: 100 });
  });

  it('moves a new node to the nearest spot where it overlaps no card', () => {
    const taken = [card(100, 100)];
    const p = freeSpot({ x: 100, y: 100 }, taken, { width: 240, height: 120 }, 40, 8, 16);
    const overlap = (a: { x: number; y: number }) =>
      a.x < 100 + 240 + 16 && 100 < a.x + 240 + 16 && a.y < 100 + 120 + 16 && 100 < a.y + 120 + 16;
    expect(overlap(p)).toBe(false);
    // nearest: straight up or down by 160 (4 steps) beats sideways by 280
    expect(Math.abs(p.y - 100) + Math.abs(p.x - 100)).toBeLessThanOrEqual(160);
  });

  it('falls back to a diagonal offset when the neighbourhood is full', () => {
    const wall = [card(-2000, -2000, 5000, 5000), card(100, 100)];
    expect(freeSpot({ x: 100, y: 100 }, wall)).toEqual({ x: 132, y: 132 });
  });

  it('takes the measured size of a node, else the usual card size', () => {
    expect(nodeBox({ position: { x: 1, y: 2 }, measured: { width: 250, height: 300 } })).toEqual(card(1, 2, 250, 300));
    expect(nodeBox({ position: { x: 1, y: 2 } })).toEqual(card(1, 2, CARD_SIZE.width, CARD_SIZE.height));
  });

  it('keeps a menu inside the canvas', () => {
    const bounds = { width: 800, height: 600 };
    const size = { width: 150, height: 80 };
    expect(clampToBox({ x: 10, y: 10 }, size, bounds)).toEqual({ left: 10, top: 10 });
    expect(clampToBox({ x: 790, y: 590 }, size, bounds)).toEqual({ left: 646, top: 516 });
  });
});

describe('edge markers', () => {
  it('every wire ends in an arrow at the node it enters', async () => {
    const { syncFlowEdges, EDGE_MARKER } = await import('./flow');
    const node = (uuid: string) => ({ uuid, status: 'done' }) as never;
    const edges = syncFlowEdges([], { edges: { k: { src: 'a', src_io: 'out', dst: 'b', dst_io: 'x' } as never }, nodes: { a: node('a'), b: node('b') } });
    expect(edges[0]?.markerEnd).toBe(EDGE_MARKER);
  });
});
