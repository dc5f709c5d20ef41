import { describe, expect, it } from 'vitest';
import { effectiveTheme, otherTheme, savedTheme, THEME_KEY } from './theme';

const store = (value: string | null) => ({ getItem: (key: string) => (key === THEME_KEY ? value : null) });

describe('theme', () => {
  it('follows the system until a theme is saved', () => {
    expect(effectiveTheme(null, true)).toBe('light');
    expect(effectiveTheme(null, false)).toBe('dark');
    expect(effectiveTheme('dark', true)).toBe('dark');
    expect(effectiveTheme('light', false)).toBe('light');
  });

  it('reads only a valid saved theme, and survives a refusing storage', () => {
    expect(savedTheme(store('light'))).toBe('light');
    expect(savedTheme(store('dark'))).toBe('dark');
    expect(savedTheme(store('purple'))).toBeNull();
    expect(savedTheme(store(null))).toBeNull();
    expect(savedTheme(null)).toBeNull();
    expect(savedTheme({ getItem: () => { throw new Error('denied'); } })).toBeNull();
  });

  it('toggles between the two', () => {
    expect(otherTheme('dark')).toBe('light');
    expect(otherTheme('light')).toBe('dark');
  });
});
