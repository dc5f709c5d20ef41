import { describe, expect, it } from 'vitest';
import type { WorkerRecord } from '../protocol/generated';
import { initialWorkersState, workerList, workersReducer, type WorkersAction } from './workers';

const w = (id: string, extra: Partial<WorkerRecord> = {}): WorkerRecord => ({ id, name: id, status: 'stopped', ...extra });

const run = (...actions: WorkersAction[]) => actions.reduce(workersReducer, initialWorkersState);

describe('workersReducer', () => {
  it('list_workers replaces the list', () => {
    let s = run({ type: 'list', workers: [w('a'), w('b')] });
    expect(Object.keys(s.byId)).toEqual(['a', 'b']);
    expect(s.loaded).toBe(true);
    s = workersReducer(s, { type: 'list', workers: [w('c')] });
    expect(Object.keys(s.byId)).toEqual(['c']);
  });

  it('worker_status upserts a record', () => {
    const s = run(
      { type: 'list', workers: [w('a')] },
      { type: 'event', event: 'worker_status', data: w('a', { status: 'running', port: 4000 }) },
      { type: 'event', event: 'worker_status', data: w('new', { status: 'starting' }) },
    );
    expect(s.byId.a).toMatchObject({ status: 'running', port: 4000 });
    expect(s.byId.new?.status).toBe('starting');
  });

  it('worker_deleted removes it (unknown id: no-op)', () => {
    const s = run({ type: 'list', workers: [w('a'), w('b')] }, { type: 'event', event: 'worker_deleted', data: { id: 'a' } });
    expect(Object.keys(s.byId)).toEqual(['b']);
    expect(workersReducer(s, { type: 'event', event: 'worker_deleted', data: { id: 'zz' } })).toBe(s);
  });

  it('env_progress is kept while starting and cleared afterwards', () => {
    let s = run(
      { type: 'list', workers: [w('a', { status: 'starting' })] },
      { type: 'event', event: 'env_progress', data: { id: 'a', stage: 'install', message: 'pip', fraction: 0.5 } },
    );
    expect(s.envProgress.a?.fraction).toBe(0.5);
    s = workersReducer(s, { type: 'event', event: 'worker_status', data: w('a', { status: 'starting' }) });
    expect(s.envProgress.a).toBeDefined();
    s = workersReducer(s, { type: 'event', event: 'worker_status', data: w('a', { status: 'running' }) });
    expect(s.envProgress.a).toBeUndefined();
  });

  it('resync flags a refetch; list clears it', () => {
    let s = run({ type: 'resync' });
    expect(s.needsRefetch).toBe(true);
    s = workersReducer(s, { type: 'list', workers: [] });
    expect(s.needsRefetch).toBe(false);
  });

  it('workerList sorts by name then id', () => {
    const s = run({ type: 'list', workers: [w('2', { name: 'b' }), w('1', { name: 'b' }), w('3', { name: 'a' })] });
    expect(workerList(s).map((x) => x.id)).toEqual(['3', '1', '2']);
  });
});
