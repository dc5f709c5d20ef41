import { describe, expect, it } from 'vitest';
import { batchUrl } from './useWorker';

describe('batchUrl', () => {
  it('asks the worker for batch frames, keeping the token', () => {
    expect(batchUrl('ws://127.0.0.1:8123/ws?token=abc')).toBe('ws://127.0.0.1:8123/ws?token=abc&batch=1');
  });
});
