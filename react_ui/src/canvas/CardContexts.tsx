// What a node card reads from around it — the worker, its actions, incoming previews, the zoom
// level, node infos, paused, executors, live streams, port tags — provided in one place for
// every canvas that draws cards (the workflow's, and a composite's inside).
import type { ReactNode } from 'react';
import type { WorkerConn } from '../hooks/useWorker';
import {
  CardActionsContext,
  CardWorkerContext,
  ExecutorContext,
  IncomingContext,
  NodeStoreContext,
  PausedContext,
  PortsContext,
  StreamContext,
  ZoomContext,
  type CardActions,
} from './context';
import type { IncomingStore } from './incoming';
import type { ZoomLevel } from './lod';
import type { NodeStore } from './nodeStore';

export interface CardContextsProps {
  worker: WorkerConn;
  actions: CardActions;
  incoming: IncomingStore;
  zoom: ZoomLevel;
  nodeStore: NodeStore;
  paused: boolean;
  executors: ReadonlyMap<string, string>;
  /** Live sources (left to the default, none, where not given). */
  streams?: ReadonlySet<string>;
  /** Port tags of a composite's inside (none where not given). */
  ports?: ReadonlyMap<string, string>;
  children: ReactNode;
}

export function CardContexts({ worker, actions, incoming, zoom, nodeStore, paused, executors, streams, ports, children }: CardContextsProps) {
  let inner = children;
  if (ports) inner = <PortsContext.Provider value={ports}>{inner}</PortsContext.Provider>;
  if (streams) inner = <StreamContext.Provider value={streams}>{inner}</StreamContext.Provider>;
  return (
    <CardWorkerContext.Provider value={worker}>
      <CardActionsContext.Provider value={actions}>
        <IncomingContext.Provider value={incoming}>
          <ZoomContext.Provider value={zoom}>
            <NodeStoreContext.Provider value={nodeStore}>
              <PausedContext.Provider value={paused}>
                <ExecutorContext.Provider value={executors}>{inner}</ExecutorContext.Provider>
              </PausedContext.Provider>
            </NodeStoreContext.Provider>
          </ZoomContext.Provider>
        </IncomingContext.Provider>
      </CardActionsContext.Provider>
    </CardWorkerContext.Provider>
  );
}
