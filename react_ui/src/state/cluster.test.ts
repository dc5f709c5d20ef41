import { describe, expect, it } from 'vitest';
import type { ClusterData } from '../protocol/generated';
import { clusterLabel, clusterReducer, clusterTitle, parseCluster, type Cluster } from './cluster';

const LOCAL: ClusterData = {
  scheduler: 'tcp://127.0.0.1:40123',
  dashboard: 'http://127.0.0.1:8787/status',
  workers: 2,
  local: true,
};

describe('the worker’s Dask cluster', () => {
  it('is unknown until a hello or cluster event says where it is', () => {
    expect(clusterReducer(null, { type: 'hello', data: {} })).toBeNull();
    expect(clusterReducer(null, { type: 'hello', data: { cluster: null } })).toBeNull();
    const known = clusterReducer(null, { type: 'cluster', data: LOCAL });
    expect(known).toEqual({ scheduler: 'tcp://127.0.0.1:40123', dashboard: 'http://127.0.0.1:8787/status', workers: 2, local: true });
  });

  it('takes the cluster a hello carries (a reconnect to a worker that has one)', () => {
    expect(clusterReducer(null, { type: 'hello', data: { cluster: LOCAL } })?.scheduler).toBe('tcp://127.0.0.1:40123');
  });

  it('forgets it when a hello says there is none (the worker restarted) or the worker stopped', () => {
    const known = clusterReducer(null, { type: 'cluster', data: LOCAL });
    expect(clusterReducer(known, { type: 'hello', data: { cluster: null } })).toBeNull();
    expect(clusterReducer(known, { type: 'reset' })).toBeNull();
  });

  it('follows a newer cluster event and ignores a malformed one', () => {
    const known = clusterReducer(null, { type: 'cluster', data: LOCAL });
    const remote = clusterReducer(known, { type: 'cluster', data: { scheduler: 'tcp://10.0.0.5:8786', dashboard: null, workers: 8, local: false } });
    expect(remote).toEqual({ scheduler: 'tcp://10.0.0.5:8786', dashboard: null, workers: 8, local: false });
    expect(clusterReducer(remote, { type: 'cluster', data: { scheduler: 7 } as unknown as ClusterData })).toBe(remote);
  });

  it('keeps only an http(s) dashboard URL', () => {
    const withDashboard = (dashboard: unknown) => parseCluster({ ...LOCAL, dashboard })?.dashboard;
    expect(withDashboard('https://dask.example.org/status')).toBe('https://dask.example.org/status');
    expect(withDashboard('javascript:alert(1)')).toBeNull();
    expect(withDashboard('not a url')).toBeNull();
    expect(withDashboard(null)).toBeNull();
    expect(withDashboard(42)).toBeNull();
  });

  it('rejects data without a scheduler and reads a bad worker count as 0', () => {
    expect(parseCluster(null)).toBeNull();
    expect(parseCluster([])).toBeNull();
    expect(parseCluster({ ...LOCAL, scheduler: '' })).toBeNull();
    expect(parseCluster({ ...LOCAL, workers: -1 })?.workers).toBe(0);
    expect(parseCluster({ ...LOCAL, workers: '3' })?.workers).toBe(0);
    expect(parseCluster({ ...LOCAL, local: 'yes' })?.local).toBe(false);
  });

  it('says how many Dask workers, and whether the worker started the cluster itself', () => {
    const c = parseCluster(LOCAL) as Cluster;
    expect(clusterLabel(c)).toBe('Dask (local) · 2 workers');
    expect(clusterLabel({ ...c, workers: 1 })).toBe('Dask (local) · 1 worker');
    expect(clusterLabel({ ...c, local: false, workers: 8 })).toBe('Dask · 8 workers');
    expect(clusterTitle(c)).toContain('tcp://127.0.0.1:40123');
    expect(clusterTitle({ ...c, local: false })).toContain('Dask scheduler tcp://127.0.0.1:40123');
  });
});
