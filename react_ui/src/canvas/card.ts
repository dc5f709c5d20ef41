// Pure helpers of the node card.
import type { NodeInfo, ProgressData } from '../protocol/generated';

/** The card's title: `properties.name` when the user named the node, else the type's name. */
export function displayName(info: Pick<NodeInfo, 'name' | 'properties'>): string {
  const own = info.properties?.name;
  return typeof own === 'string' && own.trim() !== '' ? own : info.name;
}

/** Names of the handles, in order: when it changes the handles must be measured again. */
export function ioSignature(info: Pick<NodeInfo, 'inputs' | 'outputs'>): string {
  return `${info.inputs.map((i) => i.name).join('\u0000')}\u0001${info.outputs.map((o) => o.name).join('\u0000')}`;
}

/** Tooltip of the progress bar: "42% — loading rows". */
export function progressTitle(p: Pick<ProgressData, 'fraction' | 'message'>): string {
  const pct = typeof p.fraction === 'number' && Number.isFinite(p.fraction) ? `${Math.round(p.fraction * 100)}%` : '';
  if (pct && p.message) return `${pct} — ${p.message}`;
  return pct || p.message || 'running';
}

/** The node's `paused` property: it does not run (a source stops and keeps its last value). */
export function isPausedNode(info: Pick<NodeInfo, 'properties'>): boolean {
  return info.properties?.paused === true;
}

/** The "cached" badge's tooltip: where the outputs came from. */
export function cachedTitle(source: 'memory' | 'disk'): string {
  return source === 'disk'
    ? 'From the result cache (not run): the worker’s result cache on disk had these outputs'
    : 'From the result cache (not run): the node’s memory of recent inputs had these outputs';
}

export const LIVE_TITLE = 'Live: this source yields values as they come (pause it to stop it; its last value stays)';
