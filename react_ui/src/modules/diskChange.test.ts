import { describe, expect, it } from 'vitest';
import { diskDecision, keptMine, reloaded, touchesFile } from './diskChange';

const event = (kind: 'loaded' | 'reloaded' | 'failed' | 'removed', path = '/w/modules/stats.py') => ({ kind, origin: 'file' as const, path });

describe('touchesFile', () => {
  it('is a load, reload or failed import of that very file', () => {
    expect(touchesFile(event('reloaded'), 'stats.py')).toBe(true);
    expect(touchesFile(event('loaded'), 'stats.py')).toBe(true);
    expect(touchesFile(event('failed'), 'stats.py')).toBe(true);
    expect(touchesFile(event('removed'), 'stats.py')).toBe(false);
    expect(touchesFile(event('reloaded', '/w/modules/other.py'), 'stats.py')).toBe(false);
    expect(touchesFile({ kind: 'reloaded', origin: 'builtin', path: '/w/modules/stats.py' }, 'stats.py')).toBe(false);
  });
});

describe('diskDecision', () => {
  it('changes nothing when the disk holds what the editor last saved or read (its own save)', () => {
    expect(diskDecision({ saved: 'a', draft: 'a' }, 'a')).toBe('same');
    expect(diskDecision({ saved: 'a', draft: 'a, typed since' }, 'a')).toBe('same');
  });

  it('reloads new text when there are no unsaved edits', () => {
    expect(diskDecision({ saved: 'a', draft: 'a' }, 'b')).toBe('reload');
    expect(diskDecision({ saved: 'a', draft: 'b' }, 'b')).toBe('reload'); // the same edit made elsewhere
  });

  it('asks when unsaved edits meet other new text', () => {
    expect(diskDecision({ saved: 'a', draft: 'mine' }, 'theirs')).toBe('conflict');
  });
});

describe('reload / keep mine', () => {
  const open = { name: 'stats.py', saved: 'a', draft: 'mine' };

  it('reload shows the disk text with nothing unsaved', () => {
    expect(reloaded(open, 'theirs')).toEqual({ name: 'stats.py', saved: 'theirs', draft: 'theirs' });
  });

  it('keep mine keeps the edits, unsaved against the new disk text', () => {
    const kept = keptMine(open, 'theirs');
    expect(kept).toEqual({ name: 'stats.py', saved: 'theirs', draft: 'mine' });
    expect(diskDecision(kept, 'theirs')).toBe('same'); // the same event again asks no more
  });
});
