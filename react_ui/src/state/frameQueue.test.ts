import { describe, expect, it, vi } from 'vitest';
import { FALLBACK_MS, FrameQueue, type FrameScheduler } from './frameQueue';

function manual() {
  const frames: (() => void)[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const scheduler: FrameScheduler = {
    frame(fn) {
      frames.push(fn);
      return () => frames.splice(frames.indexOf(fn), 1);
    },
    timeout(fn, ms) {
      const t = { fn, ms };
      timers.push(t);
      return () => timers.splice(timers.indexOf(t), 1);
    },
  };
  return { scheduler, frames, timers };
}

describe('FrameQueue', () => {
  it('hands a burst over once, in order, at the next frame', () => {
    const flushed = vi.fn();
    const m = manual();
    const q = new FrameQueue<number>(flushed, m.scheduler);
    for (let i = 0; i < 600; i++) q.push(i);
    expect(flushed).not.toHaveBeenCalled();
    expect(m.frames).toHaveLength(1); // one frame asked for, not 600
    m.frames[0]?.();
    expect(flushed).toHaveBeenCalledOnce();
    expect(flushed.mock.calls[0]?.[0]).toEqual([...Array(600).keys()]);
    expect(m.timers).toHaveLength(0); // the fallback timer was cancelled
    q.push(1);
    expect(m.frames).toHaveLength(1);
  });

  it('flushes by timer when no frame comes (a hidden tab)', () => {
    const flushed = vi.fn();
    const m = manual();
    const q = new FrameQueue<string>(flushed, m.scheduler);
    q.push('a');
    expect(m.timers[0]?.ms).toBe(FALLBACK_MS);
    m.timers[0]?.fn();
    expect(flushed).toHaveBeenCalledWith(['a']);
    expect(m.frames).toHaveLength(0);
  });

  it('flush() hands over at once; clear() drops', () => {
    const flushed = vi.fn();
    const m = manual();
    const q = new FrameQueue<string>(flushed, m.scheduler);
    q.push('a');
    q.flush();
    expect(flushed).toHaveBeenCalledWith(['a']);
    q.flush();
    expect(flushed).toHaveBeenCalledOnce();
    q.push('b');
    q.clear();
    expect(q.pending).toBe(0);
    expect(m.frames).toHaveLength(0);
    expect(flushed).toHaveBeenCalledOnce();
  });

  it('lets items that may wait wait up to maxWaitMs for what follows them', () => {
    const flushed = vi.fn();
    const m = manual();
    let now = 0;
    const q = new FrameQueue<string>(flushed, m.scheduler, { mayWait: (s) => s.startsWith('stale'), maxWaitMs: 50, now: () => now });
    q.push('stale a');
    q.push('stale b');
    m.frames.shift()?.(); // t = 0
    now = 33;
    m.frames.shift()?.();
    expect(flushed).not.toHaveBeenCalled(); // still waiting
    expect(m.frames).toHaveLength(1);
    expect(m.timers).toHaveLength(1); // the hidden-tab timer was set again, not doubled
    q.push('value a');
    m.frames.shift()?.();
    expect(flushed).toHaveBeenCalledWith(['stale a', 'stale b', 'value a']);
    // waiting items are handed over once they waited maxWaitMs, even when nothing follows
    q.push('stale c');
    m.frames.shift()?.(); // starts waiting at 33
    now = 82;
    m.frames.shift()?.();
    expect(flushed).toHaveBeenCalledTimes(1);
    now = 83;
    m.frames.shift()?.();
    expect(flushed).toHaveBeenLastCalledWith(['stale c']);
    // anything else goes at the first frame
    q.push('value b');
    m.frames.shift()?.();
    expect(flushed).toHaveBeenLastCalledWith(['value b']);
    expect(flushed).toHaveBeenCalledTimes(3);
  });

});
