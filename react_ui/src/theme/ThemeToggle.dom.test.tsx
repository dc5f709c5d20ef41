// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { mountPoint } from '../testing/mount';
import { installTheme, THEME_KEY } from './theme';
import { ThemeToggle } from './ThemeToggle';

const mount = mountPoint();

describe('ThemeToggle', () => {
  afterEach(() => localStorage.removeItem(THEME_KEY));

  it('switches the root theme, saves the pick and keeps it after a reload', () => {
    localStorage.removeItem(THEME_KEY);
    installTheme();
    const first = document.documentElement.dataset.theme;
    expect(first === 'light' || first === 'dark').toBe(true);
    act(() => mount.root.render(<ThemeToggle />));
    const button = document.querySelector<HTMLButtonElement>('[data-testid="theme-toggle"]')!;
    expect(button.dataset.theme).toBe(first);
    const other = first === 'light' ? 'dark' : 'light';
    expect(button.getAttribute('aria-label')).toBe(`Switch to the ${other} theme`);
    act(() => button.click());
    expect(document.documentElement.dataset.theme).toBe(other);
    expect(localStorage.getItem(THEME_KEY)).toBe(other);
    expect(button.dataset.theme).toBe(other);
    installTheme(); // a reload: the saved pick wins over the system
    expect(document.documentElement.dataset.theme).toBe(other);
  });
});
