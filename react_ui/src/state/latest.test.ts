import { describe, expect, it } from 'vitest';
import { LatestSender, type SenderClock } from './latest';

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

  it('does not let a waiting value wait more than patienceMs for a late reply', async () => {
    const clock = fakeClock();
    const sent: number[] = [];
    const replies: ReturnType<typeof deferred>[] = [];
    const s = new LatestSender<number>(
      (_key, value) => {
        sent.push(value);
        const d = deferred();
        replies.push(d);
        return d.promise;
      },
      undefined,
      { patienceMs: 50, clock },
    );
    const idle: string[] = [];
    s.onIdle((k) => idle.push(k));
    s.submit('k', 1);
    clock.advance(20);
    s.submit('k', 2);
    s.submit('k', 3);
    clock.advance(29);
    expect(sent).toEqual([1]); // 49 ms: still waiting for the reply
    clock.advance(1);
    expect(sent).toEqual([1, 3]); // 50 ms: the newest goes out, the reply to 1 is late
    // a value submitted once the newest command is already older than patienceMs goes at once
    clock.advance(60);
    s.submit('k', 4);
    expect(sent).toEqual([1, 3, 4]);
    s.submit('k', 5);
    replies[0]!.resolve();
    await tick();
    expect(sent).toEqual([1, 3, 4]); // 5 waits for the newest command (4), not for the oldest
    replies[1]!.resolve();
    replies[2]!.resolve();
    await tick();
    expect(sent).toEqual([1, 3, 4, 5]);
    expect(clock.pending()).toBe(0); // the timer of 5 was dropped: the reply came first
    expect(s.busy('k')).toBe(true);
    replies[3]!.resolve();
    await tick();
    expect(s.busy('k')).toBe(false);
    expect(idle).toEqual(['k']);
  });

  it('clear drops the waiting value and its timer', () => {
    const clock = fakeClock();
    const sent: number[] = [];
    const s = new LatestSender<number>(
      (_key, value) => {
        sent.push(value);
        return new Promise(() => {});
      },
      undefined,
      { patienceMs: 50, clock },
    );
    s.submit('k', 1);
    s.submit('k', 2);
    s.clear();
    clock.advance(100);
    expect(sent).toEqual([1]);
  });
});

function fakeClock(): SenderClock & { advance(ms: number): void; pending(): number } {
  let now = 0;
  const timers = new Set<{ at: number; fn: () => void }>();
  return {
    now: () => now,
    after(fn, ms) {
      const t = { at: now + ms, fn };
      timers.add(t);
      return () => timers.delete(t);
    },
    advance(ms) {
      now += ms;
      for (const t of [...timers].sort((a, b) => a.at - b.at)) {
        if (t.at <= now && timers.delete(t)) t.fn();
      }
    },
    pending: () => timers.size,
  };
}
