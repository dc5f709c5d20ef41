// A wire the user pulled from a port and dropped on nothing, read from React Flow's final
// connection state, with the port's type from the graph.
import type { FinalConnectionState } from '@xyflow/react';
import type { NodeInfo } from '../protocol/generated';
import type { LooseWire } from './compat';

/** The loose wire, or null when the connection ended on a port (or never started). */
export function looseWire(
  state: Pick<FinalConnectionState, 'fromHandle' | 'toHandle' | 'isValid'>,
  nodes: Readonly<Record<string, NodeInfo>>,
): LooseWire | null {
  const from = state.fromHandle;
  if (!from || state.toHandle || state.isValid) return null;
  const info = nodes[from.nodeId];
  const io = from.id;
  if (!info || !io) return null;
  const side = from.type === 'source' ? 'source' : 'target';
  const port = side === 'source' ? info.outputs.find((o) => o.name === io) : info.inputs.find((i) => i.name === io);
  if (!port) return null;
  return { uuid: info.uuid, io, side, type: port.type };
}

/** The element is the empty canvas (the pane), not a card, a wire or a control. */
export function isEmptyCanvasAt(target: unknown): boolean {
  return typeof Element !== 'undefined' && target instanceof Element && target.classList.contains('react-flow__pane');
}

/** A wire dropped here falls on the canvas (the pane, the wire being drawn), not on a card or a control. */
export function isFreeCanvasAt(target: unknown): boolean {
  if (typeof Element === 'undefined' || !(target instanceof Element)) return false;
  if (!target.closest('.react-flow')) return false;
  return !target.closest('.react-flow__node, .react-flow__panel, .react-flow__minimap, .react-flow__controls, .react-flow__edge');
}
