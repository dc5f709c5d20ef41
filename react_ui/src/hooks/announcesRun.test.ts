import { describe, expect, it } from 'vitest';
import { eventAction } from '../state/graph';
import { announcesRun } from './useWorker';

describe('announcesRun', () => {
  const status = (s: string) => eventAction('node_status', { uuid: 'n', status: s });

  it('is an input echo or a node turning stale, waiting or running', () => {
    expect(announcesRun(eventAction('input_changed', { uuid: 'n', io: 'x', preview: {}, has_value: true }))).toBe(true);
    for (const s of ['stale', 'waiting', 'running']) expect(announcesRun(status(s))).toBe(true);
    expect(announcesRun(eventAction('history', { can_undo: true, can_redo: false, undo_label: 'set value', redo_label: null }))).toBe(true);
  });

  it('is not a result: a value, a finished or failed node, a graph edit', () => {
    for (const s of ['done', 'error', 'blocked', 'cancelled', 'idle']) expect(announcesRun(status(s))).toBe(false);
    expect(announcesRun(eventAction('value', { uuid: 'n', io: 'out', preview: {} }))).toBe(false);
    expect(announcesRun(eventAction('node_removed', { uuid: 'n' }))).toBe(false);
  });
});
