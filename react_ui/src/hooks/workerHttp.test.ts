import { describe, expect, it, vi } from 'vitest';
import { createWorkerHttp, HttpError, parseFiles } from './workerHttp';

/** Just enough of XMLHttpRequest for an upload. */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown = null;
  status = 0;
  statusText = '';
  responseText = '';
  responseType = '';
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

const make = () => createWorkerHttp('ws://127.0.0.1:9000/ws', 'tok', vi.fn(), () => new FakeXhr() as unknown as XMLHttpRequest);

describe('worker files', () => {
  it('uploads as multipart field "file" with the token as Bearer, reporting progress', async () => {
    const progress: number[] = [];
    const done = make().uploadFile(new File(['a,b'], 'sales.csv'), { onProgress: (f) => progress.push(f) });
    const xhr = FakeXhr.last!;
    expect([xhr.method, xhr.url]).toEqual(['POST', 'http://127.0.0.1:9000/files']);
    expect(xhr.headers.Authorization).toBe('Bearer tok');
    expect((xhr.body as FormData).get('file')).toBeInstanceOf(File);
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 1, total: 4 });
    xhr.answer(201, { path: 'sales.csv', size: 3 });
    await expect(done).resolves.toEqual({ path: 'sales.csv', size: 3 });
    expect(progress).toEqual([0.25]);
  });

  it("turns the worker's error body into an HttpError", async () => {
    const done = make().uploadFile(new File(['x'], 'x.csv'));
    FakeXhr.last!.answer(400, { error: { code: 'invalid_arguments', message: 'no file field' } });
    await expect(done).rejects.toEqual(new HttpError(400, 'invalid_arguments', 'no file field'));
  });

  it('lists files, skipping malformed entries', async () => {
    const fetchFn = vi.fn(() => Promise.resolve(new Response(JSON.stringify({ files: [{ name: 'a.csv', size: 3, modified: 1.5 }, { size: 1 }] }), { status: 200 })));
    const http = createWorkerHttp('ws://127.0.0.1:9000/ws', 'tok', fetchFn as unknown as typeof fetch);
    await expect(http.listFiles()).resolves.toEqual([{ name: 'a.csv', size: 3, modified: 1.5 }]);
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:9000/files');
    expect(init.headers).toEqual({ Authorization: 'Bearer tok' });
    expect(parseFiles(null)).toEqual([]);
  });
});
