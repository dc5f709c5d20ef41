import { describe, expect, it, vi } from 'vitest';
import { node } from '../testing/fixtures';
import { NodeStore } from './nodeStore';

describe('NodeStore', () => {
  it('serves the nodes at once and tells only the changed ones, on notify', () => {
    const store = new NodeStore();
    const a = node('a');
    const b = node('b');
    store.set({ a, b });
    const seenA = vi.fn();
    const seenB = vi.fn();
    store.subscribe('a', seenA);
    const offB = store.subscribe('b', seenB);
    store.notify(); // a and b arrived: both told
    expect(seenA).toHaveBeenCalledTimes(1);
    expect(seenB).toHaveBeenCalledTimes(1);

    const a2 = { ...a, status: 'running' as const };
    store.set({ a: a2, b });
    expect(store.get('a')).toBe(a2); // read in the same render pass already
    expect(seenA).toHaveBeenCalledTimes(1); // told only after the commit
    store.notify();
    expect(seenA).toHaveBeenCalledTimes(2);
    expect(seenB).toHaveBeenCalledTimes(1);

    store.notify(); // nothing new
    expect(seenA).toHaveBeenCalledTimes(2);
    offB();
    store.set({ a: a2, b: { ...b } });
    store.notify();
    expect(seenB).toHaveBeenCalledTimes(1);
    expect(store.get('c')).toBeUndefined();
  });
});
