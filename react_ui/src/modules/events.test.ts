import { describe, expect, it } from 'vitest';
import type { ModuleEventData, ModuleInfo } from '../protocol/generated';
import { failedModules, failedShelves, failureText, moduleFile, moduleToast, toastsOnArrival } from './events';

function ev(extra: Partial<ModuleEventData>): ModuleEventData {
  return { kind: 'loaded', module: 'mynodes', origin: 'file', path: '/w/modules/mynodes.py', node_ids: ['my.a', 'my.b'], ...extra };
}

describe('moduleFile', () => {
  it('is the file of a module of modules/, null for the others', () => {
    expect(moduleFile(ev({}))).toBe('mynodes.py');
    expect(moduleFile(ev({ path: 'C:\\w\\modules\\x.py' }))).toBe('x.py');
    expect(moduleFile(ev({ origin: 'builtin', path: '/site/nodeweave/shelves/numbers.py' }))).toBeNull();
    expect(moduleFile(ev({ path: null }))).toBeNull();
  });
});

describe('toastsOnArrival', () => {
  it('leaves out installed and built-in modules loading, keeps their failures and every file change', () => {
    expect(toastsOnArrival({ kind: 'loaded', origin: 'entry_point' })).toBe(false);
    expect(toastsOnArrival({ kind: 'loaded', origin: 'builtin' })).toBe(false);
    expect(toastsOnArrival({ kind: 'failed', origin: 'entry_point' })).toBe(true);
    expect(toastsOnArrival({ kind: 'loaded', origin: 'file' })).toBe(true);
    expect(toastsOnArrival({ kind: 'reloaded', origin: 'file' })).toBe(true);
    expect(toastsOnArrival({ kind: 'removed', origin: 'file' })).toBe(true);
  });
});

describe('moduleToast', () => {
  it('reports loads, reloads and removals with their node count', () => {
    expect(moduleToast(ev({}))).toEqual({ kind: 'success', message: 'Module mynodes.py loaded: 2 nodes' });
    expect(moduleToast(ev({ kind: 'reloaded', node_ids: ['x'] })).message).toBe('Module mynodes.py reloaded: 1 node');
    expect(moduleToast(ev({ kind: 'removed' }))).toMatchObject({ kind: 'info', message: 'Module mynodes.py removed: 2 nodes gone from the library' });
  });

  it('says how many nodes of a module could not be loaded', () => {
    expect(moduleToast(ev({ skipped: ['fn.loop: for_node loops over a cycle', 'fn.x: no'] })).message).toBe(
      'Module mynodes.py loaded: 2 nodes (2 nodes not loaded)',
    );
    expect(moduleToast(ev({ kind: 'reloaded', skipped: [] })).message).toBe('Module mynodes.py reloaded: 2 nodes');
  });

  it('reports a failed import as an error with its line and traceback', () => {
    const t = moduleToast(ev({ kind: 'failed', node_ids: [], message: 'SyntaxError: invalid syntax', line: 4, traceback: 'Traceback …' }));
    expect(t).toEqual({ kind: 'error', message: 'Module mynodes.py failed to load: SyntaxError: invalid syntax (line 4)', details: 'Traceback …' });
    const kept = moduleToast(ev({ kind: 'failed', message: 'NameError: x', line: null }));
    expect(kept.message).toBe('Module mynodes.py failed to load: NameError: x — its previous 2 nodes keep serving');
    expect(kept.details).toBeUndefined();
  });

  it('does not repeat a line the message already names', () => {
    expect(failureText({ message: 'invalid syntax (mynodes.py, line 4)', line: 4 })).toBe('invalid syntax (mynodes.py, line 4)');
    expect(failureText({ message: '', line: null })).toBe('the import failed');
  });
});

describe('failedModules', () => {
  const mod = (extra: Partial<ModuleInfo>): ModuleInfo => ({ name: 'mynodes', origin: 'file', path: '/w/modules/mynodes.py', status: 'loaded', node_ids: [], shelves: [], ...extra });
  it('lists the modules whose last import failed, and the shelves they fill', () => {
    const failed = failedModules([mod({}), mod({ name: 'broken', path: '/w/modules/broken.py', status: 'failed', error: 'SyntaxError', shelves: ['Broken'] })]);
    expect(failed).toEqual([{ module: 'broken', file: 'broken.py', message: 'SyntaxError', shelves: ['Broken'] }]);
    expect(failedShelves(failed).get('Broken')?.file).toBe('broken.py');
    expect(failedModules(null)).toEqual([]);
  });
});
