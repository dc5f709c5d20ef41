import { describe, expect, it, vi } from 'vitest';

const script = vi.hoisted(() => ({ load: vi.fn() }));
vi.mock('./vegaScripts', () => ({ default: () => script.load() }));

import { loadVega, pickEmbed } from './loadVega';

describe('loadVega', () => {
  it('tries again after a failed load, then keeps the library', async () => {
    const embed = () => Promise.resolve({});
    script.load.mockReturnValueOnce(Promise.reject(new Error('could not load vega from the hub')));
    await expect(loadVega()).rejects.toThrow('could not load vega');
    script.load.mockReturnValueOnce(Promise.resolve(embed));
    await expect(loadVega()).resolves.toBe(embed);
    await expect(loadVega()).resolves.toBe(embed);
    expect(script.load).toHaveBeenCalledTimes(2);
  });

  it('refuses a script that did not define vega-embed', () => {
    expect(() => pickEmbed(undefined)).toThrow('vega-embed did not load');
  });
});
