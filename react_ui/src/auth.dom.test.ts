// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { TOKEN_KEY, initToken, wsUrl } from './auth';

describe('initToken in a browser-like environment', () => {
  it('reads, stores and strips the token', () => {
    window.history.replaceState(null, '', '/workers?token=abc123&tab=logs');
    expect(initToken()).toBe('abc123');
    expect(window.localStorage.getItem(TOKEN_KEY)).toBe('abc123');
    expect(document.cookie).toContain('nodeweave_token=abc123');
    expect(window.location.search).toBe('?tab=logs');
    expect(window.location.pathname).toBe('/workers');
    // next load without ?token= uses the stored one
    window.history.replaceState(null, '', '/');
    expect(initToken()).toBe('abc123');
    expect(wsUrl('/ws', 'abc123')).toMatch(/^ws:\/\/[^/]+\/ws\?token=abc123$/);
  });
});
