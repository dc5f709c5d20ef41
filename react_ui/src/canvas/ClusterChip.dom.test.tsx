// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { mountPoint } from '../testing/mount';
import type { Cluster } from '../state/cluster';
import { ClusterChip } from './ClusterChip';

const mount = mountPoint();

const $ = <T extends Element = HTMLElement>(testid: string) => mount.host.querySelector<T>(`[data-testid="${testid}"]`);

function render(cluster: Cluster | null) {
  act(() => mount.root.render(<ClusterChip cluster={cluster} />));
}

describe('ClusterChip', () => {
  it('shows nothing before a Dask node ran', () => {
    render(null);
    expect(mount.host.innerHTML).toBe('');
  });

  it('shows a local cluster, its scheduler in the tooltip, and a dashboard link opening a new tab', () => {
    render({ scheduler: 'tcp://127.0.0.1:40123', dashboard: 'http://127.0.0.1:8787/status', workers: 2, local: true });
    expect($('cluster-label')?.textContent).toBe('Dask (local) · 2 workers');
    expect($('cluster-label')?.title).toContain('tcp://127.0.0.1:40123');
    expect($('cluster-chip')?.dataset.local).toBe('true');
    const link = $<HTMLAnchorElement>('cluster-dashboard');
    expect(link?.textContent).toBe('Dashboard');
    expect(link?.getAttribute('href')).toBe('http://127.0.0.1:8787/status');
    expect(link?.target).toBe('_blank');
    expect(link?.rel).toBe('noopener noreferrer');
  });

  it('has no link without a dashboard', () => {
    render({ scheduler: 'tcp://10.0.0.5:8786', dashboard: null, workers: 8, local: false });
    expect($('cluster-label')?.textContent).toBe('Dask · 8 workers');
    expect($('cluster-dashboard')).toBeNull();
  });
});
