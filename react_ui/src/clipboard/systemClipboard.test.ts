import { afterEach, describe, expect, it } from 'vitest';
import { readClipboard, resetClipboardMemory, writeClipboard, type ClipboardLike } from './systemClipboard';

afterEach(() => resetClipboardMemory());

describe('system clipboard', () => {
  it('writes and reads through the clipboard API', async () => {
    let held = '';
    const clip: ClipboardLike = { writeText: async (t) => void (held = t), readText: async () => held };
    expect(await writeClipboard('abc', clip)).toBe(true);
    expect(held).toBe('abc');
    expect(await readClipboard(clip)).toBe('abc');
  });

  it('falls back to memory when the API is refused', async () => {
    const refused: ClipboardLike = {
      writeText: () => Promise.reject(new Error('denied')),
      readText: () => Promise.reject(new Error('denied')),
    };
    expect(await writeClipboard('xyz', refused)).toBe(false);
    expect(await readClipboard(refused)).toBe('xyz');
    expect(await readClipboard(null)).toBe('xyz');
  });

  it('a refused write is not shadowed by older system text', async () => {
    const clip: ClipboardLike = { writeText: () => Promise.reject(new Error('denied')), readText: async () => 'old' };
    await writeClipboard('new', clip);
    expect(await readClipboard(clip)).toBe('new');
  });
});
