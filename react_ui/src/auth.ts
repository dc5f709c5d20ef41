// Token handling for the browser UI (docs: README "Security"). The hub prints a URL with
// `?token=…`; the UI reads it once, keeps it (localStorage + a SameSite=Strict cookie that
// HTTP requests such as /values/… carry), removes it from the address bar, and appends it to
// WebSocket URLs.

export const TOKEN_KEY = 'nodeweave_token';

export interface AuthEnv {
  location: { href: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string | URL | null): void };
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Assign a cookie string (`document.cookie = …`). */
  setCookie: ((cookie: string) => void) | null;
}

/** The browser's environment (guarded for non-browser contexts). */
export function browserEnv(): AuthEnv {
  let storage: AuthEnv['storage'] = null;
  try {
    storage = window.localStorage;
  } catch {
    storage = null; // blocked storage (privacy mode, sandboxed iframe)
  }
  return {
    location: window.location,
    history: window.history,
    storage,
    setCookie: (cookie) => {
      document.cookie = cookie;
    },
  };
}

/** The cookie string that stores the token (path=/, SameSite=Strict). */
export function tokenCookie(token: string): string {
  return `${TOKEN_KEY}=${encodeURIComponent(token)}; path=/; SameSite=Strict`;
}

/**
 * Read `?token=` from the URL if present: store it, set the cookie and remove it from the
 * address bar. Returns the token in use (from the URL, else from storage), or null.
 */
export function initToken(env: AuthEnv = browserEnv()): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      env.storage?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // quota or blocked storage: the cookie and the in-memory token still work
    }
    env.setCookie?.(tokenCookie(fromUrl));
    url.searchParams.delete('token');
    const clean = url.pathname + (url.searchParams.toString() ? `?${url.searchParams.toString()}` : '') + url.hash;
    env.history.replaceState(env.history.state, '', clean);
    return fromUrl;
  }
  let stored: string | null = null;
  try {
    stored = env.storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    stored = null;
  }
  if (stored) env.setCookie?.(tokenCookie(stored));
  return stored || null;
}

/**
 * The WebSocket URL for `path` (or an absolute ws:// / http:// URL) with `?token=` set.
 * Relative paths resolve against the page (http → ws, https → wss).
 */
export function wsUrl(pathOrUrl: string, token: string | null, base?: string): string {
  const url = new URL(pathOrUrl, base ?? (typeof window !== 'undefined' ? window.location.href : 'http://localhost/'));
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}
