// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { PreviewView } from './PreviewView';
import { mountPoint } from '../testing/mount';

const mount = mountPoint();

function render(preview: Record<string, unknown>, compact = false): HTMLElement {
  act(() => mount.root.render(<PreviewView preview={preview} compact={compact} />));
  const el = mount.host.querySelector<HTMLElement>('[data-testid="preview"]');
  if (!el) throw new Error('no preview rendered');
  return el;
}

describe('PreviewView compact', () => {
  it('shows scalars exactly', () => {
    expect(render({ kind: 'json', type: 'float', value: 3.5 }, true).textContent).toBe('3.5');
    expect(render({ kind: 'json', type: 'int', value: 10 }, true).textContent).toBe('10');
    const el = render({ kind: 'json', type: 'int', value: 10 }, true);
    expect(el.dataset.kind).toBe('json');
  });

  it('shows empty as a dash and errors in red', () => {
    expect(render({ kind: 'empty', type: 'NoValue' }, true).textContent).toBe('—');
    const err = render({ kind: 'error', type: 'ValueError', value: 'bad input' }, true);
    expect(err.dataset.kind).toBe('error');
    expect(err.querySelector('.pv-error')?.textContent).toBe('ValueError: bad input');
  });

  it('summarises containers', () => {
    const el = render({ kind: 'json', type: 'list', value: [1, 2, 3], length: 12, truncated: true }, true);
    expect(el.textContent).toContain('list[12]');
    expect(el.textContent).toContain('[1, 2, 3]');
    expect(render({ kind: 'json', type: 'dict', value: { a: 1 }, length: 3 }, true).textContent).toContain('dict{3}');
  });

  it('shows an image thumbnail from a data URL', () => {
    const el = render({ kind: 'image', type: 'Image', mime: 'image/png', data: 'iVBORw0KGgo=', width: 2, height: 2 }, true);
    const img = el.querySelector<HTMLImageElement>('img[data-testid="preview-image"]');
    expect(img?.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('shows a mini table and an array line', () => {
    const rows = Array.from({ length: 20 }, (_, i) => [i, i * 2, i * 3, i * 4, i * 5]);
    const el = render({ kind: 'table', type: 'DataFrame', columns: ['a', 'b', 'c', 'd', 'e'], dtypes: [], index: rows.map((_, i) => i), rows, shape: [20, 5] }, true);
    expect(el.querySelectorAll('tbody tr').length).toBe(6); // 5 rows + the "⋮" row
    expect(el.textContent).toContain('20 rows × 5 cols');
    const arr = render({ kind: 'array', type: 'ndarray', shape: [3, 4], dtype: 'float64', head: [[1, 2], [3, 4]], truncated: true }, true);
    expect(arr.textContent).toContain('float64 (3, 4)');
    expect(arr.textContent).toContain('1.0, 2.0, 3.0, 4.0');
  });

  it('shows unknown kinds by type', () => {
    expect(render({ kind: 'hologram', type: 'Thing', value: 1 }, true).textContent).toContain('Thing');
  });
});

describe('PreviewView full', () => {
  it('renders containers as a lazy JSON tree', () => {
    const value = Array.from({ length: 300 }, (_, i) => ({ id: i }));
    const el = render({ kind: 'json', type: 'list', value, length: 5000, truncated: true });
    const tree = el.querySelector('[data-testid="json-tree"]');
    expect(tree).not.toBeNull();
    // 200 closed rows and "… 100 more"; children of closed rows are not rendered
    expect(tree?.querySelectorAll('[role="treeitem"]').length).toBe(201);
    expect(tree?.textContent).toContain('… 100 more');
    expect(el.querySelector('[data-testid="preview-truncated"]')?.textContent).toBe('preview — the full value is larger');
    const first = tree?.querySelector<HTMLElement>('[data-path="/0"]');
    act(() => first?.click());
    expect(tree?.querySelector('[data-path="/0/id"]')?.textContent).toContain('0');
  });

  it('renders a table with dtypes, index and caption', () => {
    const el = render({
      kind: 'table',
      type: 'DataFrame',
      columns: ['a', 'b'],
      dtypes: ['int64', 'float64'],
      index: ['x', 'y'],
      rows: [
        [1, 2],
        [3, 4],
      ],
      shape: [1000, 2],
      truncated: true,
    });
    const table = el.querySelector('[data-testid="preview-table"]');
    expect(table?.querySelectorAll('thead th').length).toBe(3);
    expect(table?.querySelector('thead')?.textContent).toContain('float64');
    expect(table?.querySelector('tbody th')?.textContent).toBe('x');
    expect(table?.querySelector('tbody td:nth-child(3)')?.textContent).toBe('2.0');
    expect(el.textContent).toContain('1,000 rows × 2 cols');
  });

  it('says how much of a long text is shown', () => {
    const el = render({ kind: 'text', type: 'str', value: 'abc', length: 5000, truncated: true });
    expect(el.querySelector('pre')?.textContent).toBe('abc');
    expect(el.textContent).toContain('(showing 3 of 5,000 characters)');
  });
});
