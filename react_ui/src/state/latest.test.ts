import { describe, expect, it } from 'vitest';
import { LatestSender } from './latest';

function deferred(): { promise: Promise<unknown>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = () => res(null);
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LatestSender', () => {
  it('sends at once when idle, then only the newest value after the reply', async () => {
    const sent: [string, number][] = [];
    const replies: ReturnType<typeof deferred>[] = [];
    const s = new LatestSender<number>((key, value) => {
      sent.push([key, value]);
      const d = deferred();
      replies.push(d);
      return d.promise;
    });
    s.submit('a', 1);
    s.submit('a', 2);
    s.submit('a', 3);
    s.submit('a', 4);
    expect(sent).toEqual([['a', 1]]);
    expect(s.busy('a')).toBe(true);
    replies[0]!.resolve();
    await tick();
    expect(sent).toEqual([
      ['a', 1],
      ['a', 4],
    ]);
    replies[1]!.resolve();
    await tick();
    expect(sent).toHaveLength(2);
    expect(s.busy('a')).toBe(false);
  });

  it('keys are independent', async () => {
    const sent: string[] = [];
    const s = new LatestSender<number>((key, value) => {
      sent.push(`${key}=${value}`);
      return new Promise(() => {}); // never answered
    });
    s.submit('a', 1);
    s.submit('b', 1);
    s.submit('a', 2);
    expect(sent).toEqual(['a=1', 'b=1']);
  });

  it('reports errors and goes on with the newest value', async () => {
    const errors: unknown[] = [];
    const sent: number[] = [];
    const first = deferred();
    const s = new LatestSender<number>(
      (_key, value) => {
        sent.push(value);
        return value === 1 ? first.promise : Promise.resolve(null);
      },
      (_key, error) => errors.push(error),
    );
    const idle: string[] = [];
    s.onIdle((k) => idle.push(k));
    s.submit('k', 1);
    s.submit('k', 2);
    first.reject(new Error('boom'));
    await tick();
    await tick();
    expect(errors).toHaveLength(1);
    expect(sent).toEqual([1, 2]);
    expect(idle).toEqual(['k']);
  });

  it('a send function that throws counts as a failed send', async () => {
    const errors: unknown[] = [];
    const s = new LatestSender<number>(
      () => {
        throw new Error('not connected');
      },
      (_k, e) => errors.push(e),
    );
    s.submit('k', 1);
    await tick();
    expect(errors).toHaveLength(1);
    expect(s.busy('k')).toBe(false);
  });
});
