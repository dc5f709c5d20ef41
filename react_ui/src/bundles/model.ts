// Bundles (.nwflow): the size rules, file names, base64 → download, where a merged workflow
// lands, and what the UI says about a bundle. Pure (but for the download), tested without a DOM.
import type { NodeInfo } from '../protocol/generated';
import { nodePosition } from '../state/graph';
import { CARD_SIZE } from '../canvas/flow';

/** The biggest bundle the page sends (its base64 stays under the hub's 3 MiB for `data`). */
export const MAX_BUNDLE_UPLOAD = 2 * 1024 * 1024;

/** The most data files an exported bundle may carry, in total. */
export const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

export const BUNDLE_ACCEPT = '.nwflow';

/** What Merge… takes: a bundle, or a workflow document (an exported workflow or composite). */
export const MERGE_ACCEPT = '.nwflow,.json,application/json';

export const BUNDLE_CLI_HINT = 'nodeweave import FILE';

export const TRUST_STATEMENT =
  'Importing writes these node modules into the new worker; they run, with your rights, when it starts.';

export const MERGE_TRUST_STATEMENT =
  'Merging writes these node modules into this worker; they run at once, with your rights.';

/** `1.2 MB`, `340 KB`, `12 B` */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GB`;
}

/** A safe file name for a worker's bundle: `<id>.nwflow`. */
export function bundleFileName(id: string): string {
  const base = id.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'workflow'}.nwflow`;
}

/** Why the chosen files are not exported, or null when they may be. */
export function refuseExport(total: number): string | null {
  if (total > MAX_EXPORT_BYTES) {
    return `The chosen files come to ${formatBytes(total)}: a bundle carries up to ${formatBytes(MAX_EXPORT_BYTES)}. Leave some out.`;
  }
  return null;
}

/** Why a bundle is not sent, or null when it may be. */
export function refuseBundle(file: { name: string; size: number }): string | null {
  if (file.size > MAX_BUNDLE_UPLOAD) {
    return (
      `${file.name} is ${formatBytes(file.size)}: the page sends up to 2 MB. ` +
      `Import it on the command line instead: ${BUNDLE_CLI_HINT}`
    );
  }
  if (file.size === 0) return `${file.name} is empty.`;
  return null;
}

/** Base64 → bytes. */
export function base64ToBytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Offer base64 data as a download. */
export function downloadBase64(data: string, name: string): void {
  const blob = new Blob([base64ToBytes(data)], { type: 'application/zip' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Room between the graph and the merged nodes. */
export const MERGE_MARGIN = 120;

/**
 * Where a merged workflow goes: its leftmost node just right of the current graph (max x + a
 * card + a margin), its top level with the graph's top. Nothing on the canvas: where it was.
 */
export function mergeOffset(current: readonly NodeInfo[], incoming: readonly { x: number; y: number }[]): { x: number; y: number } {
  const here = current.map(nodePosition).filter((p): p is { x: number; y: number } => p !== null);
  if (here.length === 0 && current.length === 0) return { x: 0, y: 0 };
  const right = here.length ? Math.max(...here.map((p) => p.x)) : 0;
  const top = here.length ? Math.min(...here.map((p) => p.y)) : 0;
  const left = incoming.length ? Math.min(...incoming.map((p) => p.x)) : 0;
  const first = incoming.length ? Math.min(...incoming.map((p) => p.y)) : 0;
  return { x: Math.round(right + CARD_SIZE.width + MERGE_MARGIN - left), y: Math.round(top - first) };
}

/** The positions of a workflow document's nodes (those it gives). */
export function documentPositions(doc: Record<string, unknown>): { x: number; y: number }[] {
  const nodes = doc.nodes;
  if (!Array.isArray(nodes)) return [];
  const out: { x: number; y: number }[] = [];
  for (const n of nodes as unknown[]) {
    if (typeof n !== 'object' || n === null) continue;
    const rec = n as Record<string, unknown>;
    const props = rec.properties;
    const pos = typeof props === 'object' && props !== null ? (props as Record<string, unknown>).position : rec.position;
    if (typeof pos !== 'object' || pos === null) continue;
    const { x, y } = pos as Record<string, unknown>;
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) out.push({ x, y });
  }
  return out;
}

/** How many nodes a workflow document holds. */
export function documentNodeCount(doc: Record<string, unknown>): number {
  return Array.isArray(doc.nodes) ? doc.nodes.length : 0;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a merged file is called in messages: its name without `.json` / `.composite.json`. */
export function documentName(fileName: string): string {
  return fileName.replace(/(\.composite)?\.json$/i, '') || fileName;
}

/** "2 nodes", "1 composite", "2 nodes and 1 composite": what a merge added. */
export function mergedSummary(nodes: number, composites: number): string {
  if (composites === 0) return plural(nodes, 'node');
  if (nodes === 0) return plural(composites, 'composite');
  return `${plural(nodes, 'node')} and ${plural(composites, 'composite')}`;
}
