// Importing FuncNodes workflows: the size rule for an uploaded export, reading it as base64, and
// what the panel says about an import's result. Pure (but for reading the file), tested without
// a DOM.
import type { ImportFuncNodesResult } from '../protocol/generated';

/** The biggest export the page sends (its base64 stays under the hub's 3 MiB for `data`). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

export const IMPORT_ACCEPT = '.fnw,.json';

export const CLI_HINT = 'nodeweave import-funcnodes PATH';

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why a file is not sent, or null when it may be. */
export function refuseFile(file: { name: string; size: number }): string | null {
  if (file.size > MAX_IMPORT_BYTES) {
    return (
      `${file.name} is ${megabytes(file.size)}: the page sends up to 2 MB. ` +
      `Import it on the command line instead: ${CLI_HINT}`
    );
  }
  if (file.size === 0) return `${file.name} is empty.`;
  return null;
}

/** Bytes → base64, in chunks (a spread of a whole big array would overflow the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

export async function readBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 nodes, 2 edges, 4 values" */
export function importCounts(r: Pick<ImportFuncNodesResult, 'nodes' | 'edges' | 'values'>): string {
  return `${plural(r.nodes, 'node')}, ${plural(r.edges, 'edge')}, ${plural(r.values, 'value')}`;
}

/**
 * Its FuncNodes packages as the summary shows them: the requirements given to the worker (with
 * install), else the workflow's packages, which it did not install.
 */
export function requirementsText(
  requirements: readonly string[],
  install: boolean,
  packages: readonly string[] = [],
): string | null {
  if (requirements.length > 0) {
    return `${requirements.join(', ')} — installed into its own environment at its first start`;
  }
  if (packages.length > 0) {
    return `${packages.join(', ')} — not installed (import again with "Install its FuncNodes packages", or install them where the worker runs)`;
  }
  return install ? 'none: the workflow names no FuncNodes packages' : null;
}
