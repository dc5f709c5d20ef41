// @vitest-environment happy-dom
import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../testing/mount';
import { PreviewView } from '../previews/PreviewView';

// the dynamic import of the vega loader, replaced by a fake vega-embed that records its calls
const fake = vi.hoisted(() => {
  const finalize = vi.fn();
  const embed = vi.fn((el: HTMLElement, spec: Record<string, unknown>) => {
    el.classList.add('vega-embed');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.dataset.mark = String((spec.mark as { type?: string } | undefined)?.type ?? spec.mark);
    el.append(svg);
    return Promise.resolve({ view: {}, spec, vgSpec: {}, embedOptions: {}, finalize });
  });
  return { embed, finalize };
});
vi.mock('./vegaScripts', () => ({ default: () => Promise.resolve(fake.embed) }));

const mount = mountPoint();

const spec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.4.1.json',
  data: { name: 'd' },
  datasets: { d: [{ x: 1, y: 2 }, { x: 2, y: 4 }] },
  mark: { type: 'point' },
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};
const chart = { kind: 'vega', type: 'Chart', spec, truncated: true };

async function render(preview: Record<string, unknown>, compact: boolean): Promise<HTMLElement> {
  await act(async () => {
    mount.root.render(<PreviewView preview={preview} compact={compact} />);
  });
  // the import resolves, then vega-embed's promise
  await act(async () => {
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  });
  return mount.host;
}

type EmbedCall = [HTMLElement, Record<string, unknown>, Record<string, unknown>];

describe('VegaChart', () => {
  beforeEach(() => {
    fake.embed.mockClear();
    fake.finalize.mockClear();
  });

  it('loads vega on first use and draws the chart in the inspector', async () => {
    const host = await render(chart, false);
    expect(fake.embed).toHaveBeenCalledTimes(1);
    const [el, drawn, options] = fake.embed.mock.calls[0] as unknown as EmbedCall;
    expect(drawn.width).toBe('container');
    expect(options).toMatchObject({ mode: 'vega-lite', actions: false, tooltip: true });
    const box = host.querySelector('[data-testid="chart"]');
    expect(box?.getAttribute('data-status')).toBe('ready');
    expect(box?.getAttribute('data-library')).toBe('vega');
    expect(box?.contains(el)).toBe(true);
    expect(el.classList.contains('nw-vega-pending')).toBe(false);
    expect(host.querySelector('.vega-embed svg')).not.toBeNull();
    expect(host.querySelector('[data-testid="chart-truncated"]')?.textContent).toBe('truncated: 2 rows of data shown');
    expect(host.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('Chart · Vega-Lite, point chart');
  });

  it('draws a small still chart on a node card', async () => {
    const host = await render(chart, true);
    const [, drawn, options] = fake.embed.mock.calls[0] as unknown as EmbedCall;
    expect(drawn.width).toBe(216);
    expect(drawn.height).toBe(150);
    expect(options).toMatchObject({ actions: false, tooltip: false });
    expect(host.querySelector('.nw-chart-compact .vega-embed svg')).not.toBeNull();
    expect(host.querySelector('[data-testid="chart-truncated"]')).toBeNull();
  });

  it('replaces the old drawing when the chart changes, and frees it', async () => {
    const host = await render(chart, false);
    const bar = { ...chart, spec: { ...spec, mark: { type: 'bar' } } };
    await render(bar, false);
    expect(fake.embed).toHaveBeenCalledTimes(2);
    const svgs = host.querySelectorAll('.vega-embed svg');
    expect(svgs.length).toBe(1);
    expect((svgs[0] as SVGElement).dataset.mark).toBe('bar');
    expect(fake.finalize).toHaveBeenCalledTimes(1);
    await act(async () => {
      mount.root.render(<div />);
    });
    expect(fake.finalize).toHaveBeenCalledTimes(2);
  });

  it('shows the error and the spec as a tree when the chart cannot be drawn', async () => {
    fake.embed.mockImplementationOnce(() => Promise.reject(new Error('Invalid specification')));
    const host = await render(chart, false);
    expect(host.querySelector('[data-testid="chart"]')?.hasAttribute('hidden')).toBe(true);
    expect(host.querySelector('[role="alert"]')?.textContent).toBe('Could not draw the chart: Invalid specification');
    expect(host.querySelector('[data-testid="vega-spec"] [data-testid="json-tree"]')?.textContent).toContain('datasets');
  });

  it('says so on the card when the chart cannot be drawn', async () => {
    fake.embed.mockImplementationOnce(() => Promise.reject(new Error('Invalid specification')));
    const host = await render(chart, true);
    expect(host.querySelector('[role="alert"]')?.textContent).toContain('Invalid specification');
  });
});
