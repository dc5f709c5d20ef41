// Why a wire was refused, in the user's terms: node names instead of uuids.
import { RpcError } from '../protocol/client';
import type { NodeInfo } from '../protocol/generated';
import { describeError } from '../hooks/useHub';

function label(nodes: Readonly<Record<string, NodeInfo>>, uuid: unknown): string {
  if (typeof uuid !== 'string') return '?';
  const node = nodes[uuid];
  if (!node) return uuid.slice(0, 8);
  const custom = node.properties?.name;
  return typeof custom === 'string' && custom ? custom : node.name;
}

/** The toast text for a refused `connect`. */
export function refusalMessage(err: unknown, nodes: Readonly<Record<string, NodeInfo>>): string {
  if (!(err instanceof RpcError)) return describeError(err);
  const details = err.details ?? {};
  if (err.code === 'cycle' && Array.isArray(details.path) && details.path.length > 1) {
    const names = details.path.map((u) => label(nodes, u)).join(' → ');
    return `Not connected: the wire would close a cycle (${names}).`;
  }
  if (err.code === 'type_mismatch' && typeof details.src_type === 'string' && typeof details.dst_type === 'string') {
    return `Not connected: a ${details.src_type} output cannot feed a ${details.dst_type} input (type_mismatch).`;
  }
  return `Not connected: ${describeError(err)}`;
}
