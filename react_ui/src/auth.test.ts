import { describe, expect, it, vi } from 'vitest';
import { TOKEN_KEY, initToken, tokenCookie, wsUrl, type AuthEnv } from './auth';

function fakeEnv(href: string, stored: Record<string, string> = {}) {
  const store = new Map(Object.entries(stored));
  const cookies: string[] = [];
  const replaceState = vi.fn();
  const env: AuthEnv = {
    location: { href },
    history: { state: { s: 1 }, replaceState },
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    setCookie: (c) => cookies.push(c),
  };
  return { env, store, cookies, replaceState };
}

describe('initToken (injected environment)', () => {
  it('takes ?token= from the URL, stores it, sets the cookie and cleans the address bar', () => {
    const { env, store, cookies, replaceState } = fakeEnv('http://127.0.0.1:9380/w/demo?token=s3cr%2Bt&x=1#canvas');
    expect(initToken(env)).toBe('s3cr+t');
    expect(store.get(TOKEN_KEY)).toBe('s3cr+t');
    expect(cookies).toEqual(['nodeweave_token=s3cr%2Bt; path=/; SameSite=Strict']);
    expect(replaceState).toHaveBeenCalledWith({ s: 1 }, '', '/w/demo?x=1#canvas');
  });

  it('cleans to the bare path when token was the only parameter', () => {
    const { env, replaceState } = fakeEnv('http://h/?token=abc');
    initToken(env);
    expect(replaceState).toHaveBeenCalledWith({ s: 1 }, '', '/');
  });

  it('falls back to the stored token without touching history', () => {
    const { env, cookies, replaceState } = fakeEnv('http://h/', { [TOKEN_KEY]: 'old' });
    expect(initToken(env)).toBe('old');
    expect(replaceState).not.toHaveBeenCalled();
    expect(cookies).toEqual([tokenCookie('old')]);
  });

  it('a URL token wins over the stored one', () => {
    const { env, store } = fakeEnv('http://h/?token=new', { [TOKEN_KEY]: 'old' });
    expect(initToken(env)).toBe('new');
    expect(store.get(TOKEN_KEY)).toBe('new');
  });

  it('no token anywhere → null', () => {
    const { env, cookies } = fakeEnv('http://h/');
    expect(initToken(env)).toBeNull();
    expect(cookies).toEqual([]);
  });

  it('survives blocked storage', () => {
    const { env } = fakeEnv('http://h/?token=t');
    env.storage = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    expect(initToken(env)).toBe('t');
    const { env: env2 } = fakeEnv('http://h/');
    env2.storage = env.storage;
    expect(initToken(env2)).toBeNull();
  });
});

describe('wsUrl', () => {
  it('resolves a path against the page and switches the scheme', () => {
    expect(wsUrl('/ws', 'tok', 'http://127.0.0.1:9380/some/page')).toBe('ws://127.0.0.1:9380/ws?token=tok');
    expect(wsUrl('/ws', 'tok', 'https://example.org/')).toBe('wss://example.org/ws?token=tok');
  });
  it('keeps absolute ws URLs and encodes the token', () => {
    expect(wsUrl('ws://127.0.0.1:40123/ws', 'a b&c', 'http://x/')).toBe('ws://127.0.0.1:40123/ws?token=a+b%26c');
  });
  it('replaces an existing token and works without a token', () => {
    expect(wsUrl('ws://h/ws?token=old', 'new', 'http://x/')).toBe('ws://h/ws?token=new');
    expect(wsUrl('ws://h/ws', null, 'http://x/')).toBe('ws://h/ws');
  });
});
