// Loading an output's whole value from the worker (GET /values/{uuid}/{io}): whether to ask
// for pages, and what to show for each answer. Pure: the component does the fetching.
import type { FullValue } from '../hooks/workerHttp';
import { HttpError } from '../hooks/workerHttp';
import { isPageBody, previewDtypes, tableFromPage, type PageHint, type TableModel } from '../previews/table';

/** Rows per page of a list or table. */
export const PAGE_SIZE = 50;

/** Above this many characters a text value is shown cut, with a button for the rest. */
export const TEXT_SHOWN = 200_000;

/**
 * Whether the whole value is best fetched page by page: tables, arrays (also arrays shown as an
 * image), and lists longer than their preview holds.
 */
export function wantsPaging(preview: Record<string, unknown> | undefined): boolean {
  if (!preview) return false;
  switch (preview.kind) {
    case 'table':
    case 'array':
      return true;
    case 'image':
      return Array.isArray(preview.shape);
    case 'json': {
      const value = preview.value;
      if (!Array.isArray(value)) return false;
      return typeof preview.length === 'number' && preview.length > value.length;
    }
    default:
      return false;
  }
}

/** What the preview tells about a page's columns: a Series' name, the dtypes. */
export function pageHint(preview: Record<string, unknown> | undefined): PageHint {
  if (!preview) return {};
  if (preview.kind === 'table') {
    const hint: PageHint = { dtypes: previewDtypes(preview) };
    if ('name' in preview) {
      const name = preview.name;
      hint.valueLabel = typeof name === 'string' && name !== '' ? name : 'value';
      const dtype = Array.isArray(preview.dtypes) ? preview.dtypes[0] : undefined;
      if (typeof dtype === 'string') hint.dtype = dtype;
    }
    return hint;
  }
  if (preview.kind === 'array' && typeof preview.dtype === 'string') return { dtype: preview.dtype };
  return {};
}

export type FullView =
  | { kind: 'table'; table: TableModel; offset: number; total: number | null }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'image'; blob: Blob; mime: string }
  | { kind: 'binary'; size: number | null; mime: string };

/** What to show for a worker's answer: pages and DataFrames as tables, JSON as a tree, … */
export function interpretFull(fv: FullValue, hint: PageHint = {}): FullView {
  const mime = fv.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mime === 'application/json' || mime.endsWith('+json')) {
    if (isPageBody(fv.json)) {
      const table = tableFromPage(fv.json, hint, fv.total);
      return { kind: 'table', table, offset: table.offset, total: table.totalRows };
    }
    return { kind: 'json', value: fv.json };
  }
  if (fv.text !== null) return { kind: 'text', text: fv.text };
  if (fv.blob && mime.startsWith('image/')) return { kind: 'image', blob: fv.blob, mime };
  return { kind: 'binary', size: fv.blob ? fv.blob.size : null, mime: mime || 'application/octet-stream' };
}

/** The worker refused to page this value: fetch it whole instead. */
export function isPagingRefused(err: unknown): boolean {
  return err instanceof HttpError && err.status === 400 && err.code === 'invalid_value';
}

/** "message (code)" for a failed fetch, like every other error in the UI. */
export function fetchErrorText(err: unknown): string {
  if (err instanceof HttpError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function isAbort(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

/** Offset of the last page when `offset` is past the end of `total` rows (the value shrank). */
export function clampOffset(offset: number, total: number | null, limit = PAGE_SIZE): number {
  if (total === null || offset < total || offset === 0) return offset;
  return total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'application/json': 'json',
  'text/plain': 'txt',
};

/** The stem of a download's file name: "<node>-<output>", safe for file systems. */
export function downloadBase(node: string, io: string): string {
  return `${node}-${io}`.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'value';
}

/** A file name for downloading an output: "<node>-<output>.<ext>". */
export function downloadName(node: string, io: string, mime: string): string {
  const base = downloadBase(node, io);
  const ext = EXTENSIONS[mime.split(';')[0]?.trim().toLowerCase() ?? ''] ?? 'bin';
  return `${base}.${ext}`;
}
