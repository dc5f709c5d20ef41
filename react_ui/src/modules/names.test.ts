import { describe, expect, it } from 'vitest';
import { moduleFileName } from './names';

describe('moduleFileName', () => {
  it('adds .py and accepts what the worker accepts', () => {
    expect(moduleFileName(' my_nodes ')).toBe('my_nodes.py');
    expect(moduleFileName('Nodes2.py')).toBe('Nodes2.py');
  });
  it('refuses names the worker refuses', () => {
    for (const bad of ['', '2nodes', 'my nodes', '../x', 'a/b.py', 'x.txt', '.py']) expect(moduleFileName(bad)).toBeNull();
  });
});
