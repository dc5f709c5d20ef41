// The toolbar's chip for the worker's Dask cluster, once a Dask node ran: how many Dask
// workers, the scheduler in its tooltip, and a link to the cluster's dashboard.
import { clusterLabel, clusterTitle, type Cluster } from '../state/cluster';

export function ClusterChip({ cluster }: { cluster: Cluster | null }) {
  if (!cluster) return null;
  return (
    <div
      className="nw-toolbar-group nw-cluster"
      data-testid="cluster-chip"
      data-local={cluster.local ? 'true' : 'false'}
      data-workers={cluster.workers}
    >
      <span className="nw-cluster-label" title={clusterTitle(cluster)} data-testid="cluster-label">
        {clusterLabel(cluster)}
      </span>
      {cluster.dashboard && (
        <a
          className="nw-tool nw-cluster-link"
          href={cluster.dashboard}
          target="_blank"
          rel="noopener noreferrer"
          title={`Open the Dask dashboard (${cluster.dashboard}) in a new tab`}
          data-testid="cluster-dashboard"
        >
          Dashboard
        </a>
      )}
    </div>
  );
}
