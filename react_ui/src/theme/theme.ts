// The colour theme: the system's (`prefers-color-scheme`) until the user picks one with the
// header's toggle; the pick is kept in localStorage. The root element carries
// `data-theme="light|dark"`, which selects the variables in styles.css.

export type Theme = 'light' | 'dark';

export const THEME_KEY = 'nodeweave.theme';

/** The theme saved by the toggle, or null (follow the system). */
export function savedTheme(storage: Pick<Storage, 'getItem'> | null): Theme | null {
  let value: string | null = null;
  try {
    value = storage?.getItem(THEME_KEY) ?? null;
  } catch {
    return null; // storage refused (private mode, a sandboxed frame)
  }
  return value === 'light' || value === 'dark' ? value : null;
}

/** The theme in effect: the saved one, else the system's. */
export function effectiveTheme(saved: Theme | null, systemPrefersLight: boolean): Theme {
  return saved ?? (systemPrefersLight ? 'light' : 'dark');
}

export function otherTheme(theme: Theme): Theme {
  return theme === 'light' ? 'dark' : 'light';
}

// --- the live theme of this page (a tiny store for useSyncExternalStore) -------------------

const LIGHT_QUERY = '(prefers-color-scheme: light)';
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function systemQuery(): MediaQueryList | null {
  return typeof matchMedia === 'function' ? matchMedia(LIGHT_QUERY) : null;
}

export function currentTheme(): Theme {
  return effectiveTheme(savedTheme(storage()), systemQuery()?.matches ?? false);
}

function apply(): void {
  document.documentElement.dataset.theme = currentTheme();
  for (const listener of listeners) listener();
}

/** Put the theme on the root element and follow system changes (call once, before rendering). */
export function installTheme(): void {
  apply();
  systemQuery()?.addEventListener?.('change', apply);
}

/** Save `theme` as the user's pick and apply it. */
export function chooseTheme(theme: Theme): void {
  try {
    storage()?.setItem(THEME_KEY, theme);
  } catch {
    // not saved: it still applies to this page
  }
  apply();
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
