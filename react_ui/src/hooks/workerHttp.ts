// HTTP side of a worker (full values at /values/{uuid}/{io}), derived from its ws URL.

export interface WorkerHttp {
  /** http://host:port of the worker. */
  readonly base: string;
  readonly token: string | null;
  /** URL of an output's full value; `offset`/`limit` page lists and tables. */
  valueUrl(uuid: string, io: string, page?: { offset?: number; limit?: number }): string;
  /** GET the full value (token sent as a Bearer header). */
  fetchValue(
    uuid: string,
    io: string,
    page?: { offset?: number; limit?: number },
    signal?: AbortSignal,
  ): Promise<FullValue>;
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

export function createWorkerHttp(ws: string, token: string | null, fetchFn: typeof fetch = fetch): WorkerHttp {
  const base = httpBase(ws);
  const valueUrl = (uuid: string, io: string, page?: { offset?: number; limit?: number }): string => {
    const url = new URL(`${base}/values/${encodeURIComponent(uuid)}/${encodeURIComponent(io)}`);
    if (page?.offset !== undefined) url.searchParams.set('offset', String(page.offset));
    if (page?.limit !== undefined) url.searchParams.set('limit', String(page.limit));
    if (token) url.searchParams.set('token', token);
    return url.toString();
  };
  return {
    base,
    token,
    valueUrl,
    async fetchValue(uuid, io, page, signal) {
      const init: RequestInit = {};
      if (signal) init.signal = signal;
      const res = await fetchFn(valueUrl(uuid, io, page), init);
      const contentType = res.headers.get('Content-Type') ?? 'application/octet-stream';
      if (!res.ok) {
        let code = `http_${res.status}`;
        let message = res.statusText || `HTTP ${res.status}`;
        try {
          const body = (await res.json()) as { error?: { code?: string; message?: string } };
          code = body.error?.code ?? code;
          message = body.error?.message ?? message;
        } catch {
          // not a JSON error body
        }
        throw new HttpError(res.status, code, message);
      }
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
