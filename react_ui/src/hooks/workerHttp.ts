// HTTP side of a worker, derived from its ws URL: full values at /values/{uuid}/{io} (paged,
// sorted, filtered, or as a CSV/Parquet download), and the files/ folder (GET and POST /files).
import { applyParams, type ValueParams } from '../grid/query';

export type { ValueParams };

/** A file in the worker's files/ folder. */
export interface WorkerFile {
  /** Path inside files/ ("sub/a.csv"): what a reader node's `path` input takes. */
  name: string;
  size: number;
  /** Last change, epoch seconds. */
  modified: number;
}

export interface UploadOptions {
  /** Called with the fraction sent so far (0…1). */
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

export interface WorkerHttp {
  /** http://host:port of the worker. */
  readonly base: string;
  readonly token: string | null;
  /** URL of an output's full value; `offset`/`limit` page lists and tables, `sort`/`filter`
   * order and select a table's rows, `format` asks for a CSV or Parquet download. */
  valueUrl(uuid: string, io: string, params?: ValueParams): string;
  /** GET the full value. */
  fetchValue(uuid: string, io: string, params?: ValueParams, signal?: AbortSignal): Promise<FullValue>;
  /** The files in the worker's files/ folder. */
  listFiles(signal?: AbortSignal): Promise<WorkerFile[]>;
  /** Upload a file into files/ (POST /files, multipart field `file`); resolves with its path. */
  uploadFile(file: File, options?: UploadOptions): Promise<{ path: string; size: number }>;
}

export interface FullValue {
  contentType: string;
  /** X-Total-Count: items/rows of a list or table, when the value has them. */
  total: number | null;
  /** Parsed JSON for application/json, text for text/*, else null (use `blob`). */
  json: unknown;
  text: string | null;
  blob: Blob | null;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The worker's HTTP base from its `ws://host:port/ws` URL. */
export function httpBase(ws: string): string {
  const url = new URL(ws);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}

/** The worker's error body `{"error": {"code", "message"}}` as an HttpError. */
export function errorFromBody(status: number, statusText: string, body: unknown): HttpError {
  const err = (typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined) as
    | { code?: unknown; message?: unknown }
    | undefined;
  const code = typeof err?.code === 'string' ? err.code : `http_${status}`;
  const message = typeof err?.message === 'string' ? err.message : statusText || `HTTP ${status}`;
  return new HttpError(status, code, message);
}

async function failure(res: Response): Promise<HttpError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not a JSON error body
  }
  return errorFromBody(res.status, res.statusText, body);
}

/** Parse `GET /files`: `{"files": [{name, size, modified}]}`, skipping malformed entries. */
export function parseFiles(body: unknown): WorkerFile[] {
  const list = typeof body === 'object' && body !== null ? (body as { files?: unknown }).files : undefined;
  if (!Array.isArray(list)) return [];
  const out: WorkerFile[] = [];
  for (const f of list) {
    if (typeof f !== 'object' || f === null) continue;
    const { name, size, modified } = f as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') continue;
    out.push({ name, size: typeof size === 'number' ? size : 0, modified: typeof modified === 'number' ? modified : 0 });
  }
  return out;
}

/** A minimal XMLHttpRequest factory (uploads report progress only through XHR). */
export type XhrFactory = () => XMLHttpRequest;

export function createWorkerHttp(
  ws: string,
  token: string | null,
  fetchFn: typeof fetch = (...args) => fetch(...args),
  makeXhr: XhrFactory = () => new XMLHttpRequest(),
): WorkerHttp {
  const base = httpBase(ws);
  const valueUrl = (uuid: string, io: string, params?: ValueParams): string => {
    const url = applyParams(new URL(`${base}/values/${encodeURIComponent(uuid)}/${encodeURIComponent(io)}`), params);
    if (token) url.searchParams.set('token', token);
    return url.toString();
  };
  const auth = (): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});
  return {
    base,
    token,
    valueUrl,
    async listFiles(signal) {
      const init: RequestInit = { headers: auth() };
      if (signal) init.signal = signal;
      const res = await fetchFn(`${base}/files`, init);
      if (!res.ok) throw await failure(res);
      return parseFiles(await res.json());
    },
    uploadFile(file, options = {}) {
      return new Promise((resolve, reject) => {
        const xhr = makeXhr();
        xhr.open('POST', `${base}/files`);
        for (const [k, v] of Object.entries(auth())) xhr.setRequestHeader(k, v);
        xhr.responseType = 'text';
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable && e.total > 0) options.onProgress?.(e.loaded / e.total);
        };
        xhr.onload = () => {
          let body: unknown = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            // not JSON
          }
          if (xhr.status < 200 || xhr.status >= 300) {
            reject(errorFromBody(xhr.status, xhr.statusText, body));
            return;
          }
          const { path, size } = (body ?? {}) as { path?: unknown; size?: unknown };
          if (typeof path !== 'string') {
            reject(new HttpError(xhr.status, 'invalid_reply', 'The worker did not say where it put the file'));
            return;
          }
          resolve({ path, size: typeof size === 'number' ? size : file.size });
        };
        xhr.onerror = () => reject(new HttpError(0, 'network_error', 'The upload failed: the worker did not answer'));
        xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
        options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.send(form);
      });
    },
    async fetchValue(uuid, io, params, signal) {
      const init: RequestInit = {};
      if (signal) init.signal = signal;
      const res = await fetchFn(valueUrl(uuid, io, params), init);
      const contentType = res.headers.get('Content-Type') ?? 'application/octet-stream';
      if (!res.ok) throw await failure(res);
      const totalHeader = res.headers.get('X-Total-Count');
      const total = totalHeader !== null && /^\d+$/.test(totalHeader) ? Number(totalHeader) : null;
      if (contentType.startsWith('application/json')) {
        return { contentType, total, json: await res.json(), text: null, blob: null };
      }
      if (contentType.startsWith('text/')) {
        return { contentType, total, json: null, text: await res.text(), blob: null };
      }
      return { contentType, total, json: null, text: null, blob: await res.blob() };
    },
  };
}
