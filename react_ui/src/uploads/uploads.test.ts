import { describe, expect, it, vi } from 'vitest';
import { HttpError, type WorkerHttp } from '../hooks/workerHttp';
import type { ToastApi } from '../ui/toast';
import { dropSpot, uploadAndAdd, type DropDeps } from './dropUpload';
import { extension, readerFor } from './readers';

describe('the reader for a dropped file', () => {
  it.each([
    ['sales.csv', 'files.read_csv'],
    ['A.TSV', 'files.read_csv'],
    ['notes.txt', 'files.read_csv'],
    ['t.parquet', 'files.read_parquet'],
    ['t.pq', 'files.read_parquet'],
    ['book.xlsx', 'files.read_excel'],
    ['old.xls', 'files.read_excel'],
    ['rows.json', 'files.read_json'],
    ['rows.jsonl', 'files.read_json'],
    ['rows.ndjson', 'files.read_json'],
    ['t.feather', 'files.read_feather'],
    ['t.arrow', 'files.read_feather'],
    ['photo.JPG', 'files.read_image'],
    ['x.webp', 'files.read_image'],
    ['x.bmp', 'files.read_image'],
  ])('%s → %s', (name, node) => {
    expect(readerFor(name)).toBe(node);
  });

  it('has none for other files', () => {
    expect(readerFor('archive.zip')).toBeNull();
    expect(readerFor('Makefile')).toBeNull();
    expect(extension('.bashrc')).toBe('');
    expect(extension('dir.v2/data.CSV')).toBe('csv');
  });
});

function fakes(upload: WorkerHttp['uploadFile']) {
  const log: Array<[string, string, string]> = [];
  let next = 1;
  const toast: ToastApi = {
    push: (message, kind = 'info') => {
      log.push(['push', kind, message]);
      return next++;
    },
    update: (_id, message, kind = 'info') => {
      log.push(['update', kind, message]);
    },
  };
  const addNode = vi.fn(() => Promise.resolve({ uuid: 'new-node' }));
  const http = { uploadFile: upload } as unknown as WorkerHttp;
  const deps: DropDeps = { http, addNode, toast };
  return { deps, log, addNode };
}

describe('dropping a file on the canvas', () => {
  const csv = new File(['a,b\n1,2\n'], 'sales.csv', { type: 'text/csv' });

  it('uploads it, then adds the reader at the drop point with its path', async () => {
    const { deps, log, addNode } = fakes((_f, opts) => {
      opts?.onProgress?.(0.5);
      opts?.onProgress?.(0.505);
      return Promise.resolve({ path: 'sales.csv', size: 8 });
    });
    const uuid = await uploadAndAdd(csv, { x: 10, y: 20 }, deps);
    expect(uuid).toBe('new-node');
    expect(addNode).toHaveBeenCalledWith({ node_id: 'files.read_csv', properties: { position: { x: 10, y: 20 } }, inputs: { path: 'sales.csv' } });
    expect(log).toEqual([
      ['push', 'info', 'Uploading sales.csv…'],
      ['update', 'info', 'Uploading sales.csv… 50%'],
      ['update', 'success', 'Uploaded sales.csv to files/sales.csv'],
    ]);
  });

  it('says why when the upload fails, and adds nothing', async () => {
    const { deps, log, addNode } = fakes(() => Promise.reject(new HttpError(413, 'too_large', 'the file is larger than 100 MB')));
    expect(await uploadAndAdd(csv, { x: 0, y: 0 }, deps)).toBeNull();
    expect(addNode).not.toHaveBeenCalled();
    expect(log.at(-1)).toEqual(['update', 'error', 'Could not upload sales.csv: the file is larger than 100 MB (too_large)']);
  });

  it('refuses files nothing reads without uploading them', async () => {
    const upload = vi.fn();
    const { deps, log } = fakes(upload);
    expect(await uploadAndAdd(new File(['x'], 'a.zip'), { x: 0, y: 0 }, deps)).toBeNull();
    expect(upload).not.toHaveBeenCalled();
    expect(log[0]?.[1]).toBe('error');
    expect(log[0]?.[2]).toContain('No reader for “a.zip”');
  });

  it('spreads several files', () => {
    expect(dropSpot({ x: 100, y: 50 }, 0)).toEqual({ x: 100, y: 50 });
    expect(dropSpot({ x: 100, y: 50 }, 2)).toEqual({ x: 160, y: 110 });
  });
});
