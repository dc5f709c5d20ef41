import { describe, expect, it } from 'vitest';
import {
  executorChip,
  executorsOf,
  streamsOf,
  formatSeconds,
  hungNodeText,
  movedOffLoopMessage,
  staleRunsLabel,
  staleRunsOf,
  statusLabel,
} from './runs';
import { node } from '../testing/fixtures';

describe('superseded runs', () => {
  it('reads the count from the node, ignoring junk', () => {
    expect(staleRunsOf(node('n1'))).toBe(0);
    expect(staleRunsOf(node('n1', { stale_runs: 2 }))).toBe(2);
    expect(staleRunsOf(node('n1', { stale_runs: -1 }))).toBe(0);
    expect(staleRunsOf(node('n1', { stale_runs: '3' }))).toBe(0);
    expect(staleRunsOf(node('n1', { stale_runs: Number.NaN }))).toBe(0);
  });

  it('says "superseded, finishing" with the count only when several', () => {
    expect(staleRunsLabel(0)).toBeNull();
    expect(staleRunsLabel(1)).toBe('superseded, finishing');
    expect(staleRunsLabel(3)).toBe('superseded, finishing (3)');
  });
});

describe('moved off the loop', () => {
  it('formats seconds briefly', () => {
    expect(formatSeconds(0.3)).toBe('0.3');
    expect(formatSeconds(0.31234)).toBe('0.3');
    expect(formatSeconds(2)).toBe('2');
    expect(formatSeconds(2.04)).toBe('2');
    expect(formatSeconds(2.46)).toBe('2.5');
    expect(formatSeconds(0.05)).toBe('0.05');
    expect(formatSeconds(12.7)).toBe('13');
    expect(formatSeconds(Number.NaN)).toBe('?');
  });

  it('names the node, the time, and what to declare', () => {
    expect(movedOffLoopMessage({ node_id: 'demo.slow', seconds: 0.3 })).toBe(
      "demo.slow blocked the worker for 0.3 s — it now runs in a thread. Declare executor='thread' or 'process' in its module.",
    );
  });
});

describe('safe start', () => {
  it('a stale node of a paused worker has "not run"; other statuses and a running worker are as is', () => {
    expect(statusLabel('stale', true)).toBe('not run');
    expect(statusLabel('stale', false)).toBe('stale');
    expect(statusLabel('done', true)).toBe('done');
    expect(statusLabel('error', true)).toBe('error');
  });

  it('says where a worker hung (node type and the uuid’s first 8 characters)', () => {
    expect(hungNodeText({ hung_node: { uuid: 'abcdef0123456789', node_id: 'demo.spin' } })).toBe('hung in demo.spin (abcdef01)');
    expect(hungNodeText({ hung_node: { node_id: 'demo.spin' } })).toBe('hung in demo.spin');
    expect(hungNodeText({ hung_node: null })).toBeNull();
    expect(hungNodeText({})).toBeNull();
    expect(hungNodeText({ hung_node: {} })).toBeNull();
  });
});

describe('executor chips', () => {
  it('marks cluster and process nodes only', () => {
    expect(executorChip('dask')).toEqual({ label: 'cluster', title: 'runs on the Dask cluster' });
    expect(executorChip('process')?.label).toBe('process');
    for (const e of ['inline', 'async', 'thread', '', undefined]) expect(executorChip(e)).toBeNull();
  });

  it('maps the library’s dask and process types, sub-shelves included', () => {
    const spec = (id: string, executor: string) => ({ id, name: id, executor, inputs: [], outputs: [] });
    const map = executorsOf({
      shelves: [
        {
          name: 'top',
          nodes: [spec('a.inline', 'inline'), spec('a.dask', 'dask')],
          subshelves: [{ name: 'sub', nodes: [spec('b.proc', 'process'), spec('b.thread', 'thread')], subshelves: [] }],
        },
      ],
    });
    expect([...map.entries()].sort()).toEqual([
      ['a.dask', 'dask'],
      ['b.proc', 'process'],
    ]);
    expect(executorsOf(null).size).toBe(0);
  });

  it('lists the stream (source) node types, sub-shelves included', () => {
    const spec = (id: string, stream?: boolean) => ({ id, name: id, executor: 'async', inputs: [], outputs: [], ...(stream ? { stream } : {}) });
    const streams = streamsOf({
      shelves: [{ name: 'sources', nodes: [spec('sources.interval', true), spec('x.plain')], subshelves: [{ name: 's', nodes: [spec('y.watch', true)], subshelves: [] }] }],
    });
    expect([...streams].sort()).toEqual(['sources.interval', 'y.watch']);
    expect(streamsOf(null).size).toBe(0);
  });
});
