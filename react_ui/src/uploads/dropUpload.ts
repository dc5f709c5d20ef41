// A file dropped on the canvas: upload it into the worker's files/ (POST /files), then add the
// reader node for it at the drop point with its `path` input set. Progress and failures show as
// one toast that is updated in place.
import type { WorkerHttp } from '../hooks/workerHttp';
import { fetchErrorText } from '../inspector/fullValue';
import type { ToastApi } from '../ui/toast';
import { READABLE, readerFor } from './readers';

export interface XY {
  x: number;
  y: number;
}

export interface DropDeps {
  http: WorkerHttp | null;
  /** Sends `add_node`; resolves with the new node's uuid. */
  addNode(args: { node_id: string; properties: { position: XY }; inputs: { path: string } }): Promise<{ uuid: string }>;
  toast: ToastApi;
}

/** Where the n-th of several dropped files goes: a little down and right of the previous one. */
export function dropSpot(at: XY, index: number): XY {
  return { x: Math.round(at.x + index * 30), y: Math.round(at.y + index * 30) };
}

/** Upload one dropped file and add its reader; resolves with the node's uuid, or null on failure. */
export async function uploadAndAdd(file: File, position: XY, deps: DropDeps): Promise<string | null> {
  const { toast, http } = deps;
  const reader = readerFor(file.name);
  if (!reader) {
    toast.push(`No reader for “${file.name}”: drop ${READABLE} files`, 'error');
    return null;
  }
  if (!http) {
    toast.push('The worker is not connected: cannot upload files now', 'error');
    return null;
  }
  const id = toast.push(`Uploading ${file.name}…`, 'info', { sticky: true });
  let path: string;
  try {
    let shown = -1;
    ({ path } = await http.uploadFile(file, {
      onProgress: (f) => {
        const pct = Math.floor(f * 100);
        if (pct === shown) return;
        shown = pct;
        toast.update(id, `Uploading ${file.name}… ${pct}%`, 'info', { sticky: true });
      },
    }));
  } catch (err) {
    toast.update(id, `Could not upload ${file.name}: ${fetchErrorText(err)}`, 'error');
    return null;
  }
  try {
    const node = await deps.addNode({ node_id: reader, properties: { position }, inputs: { path } });
    toast.update(id, `Uploaded ${file.name} to files/${path}`, 'success');
    return node.uuid;
  } catch (err) {
    toast.update(id, `Uploaded ${file.name}, but could not add ${reader}: ${fetchErrorText(err)}`, 'error');
    return null;
  }
}
