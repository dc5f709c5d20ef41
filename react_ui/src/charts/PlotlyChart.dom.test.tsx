// @vitest-environment happy-dom
import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../testing/mount';
import { PreviewView } from '../previews/PreviewView';

// the dynamic import of the plotly.js loader, replaced by a fake plotly.js that records its calls
const fake = vi.hoisted(() => ({
  react: vi.fn((el: HTMLElement) => {
    el.classList.add('js-plotly-plot');
    return Promise.resolve(el);
  }),
  purge: vi.fn(),
  Plots: { resize: vi.fn() },
}));
vi.mock('./plotlyScript', () => ({ default: () => Promise.resolve(fake) }));

const mount = mountPoint();

const figure = {
  kind: 'plotly',
  type: 'Figure',
  spec: {
    data: [{ type: 'bar', x: ['a', 'b'], y: { dtype: 'f8', bdata: 'AAAAAAAA8D8AAAAAAAAAQA==' } }],
    layout: { title: { text: 'Sales' }, width: 900 },
  },
  points: 10000,
  shown: 2000,
  downsampled: true,
  truncated: false,
};

async function render(preview: Record<string, unknown>, compact: boolean): Promise<HTMLElement> {
  await act(async () => {
    mount.root.render(<PreviewView preview={preview} compact={compact} />);
  });
  // the import resolves, then plotly's react() promise
  await act(async () => {
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  });
  return mount.host;
}

describe('PlotlyChart', () => {
  beforeEach(() => {
    fake.react.mockClear();
    fake.purge.mockClear();
  });

  it('loads plotly.js on first use and draws the figure in the inspector', async () => {
    const host = await render(figure, false);
    expect(fake.react).toHaveBeenCalledTimes(1);
    const [el, data, layout, config] = fake.react.mock.calls[0] as unknown as [HTMLElement, unknown[], Record<string, unknown>, Record<string, unknown>];
    expect(el.classList.contains('js-plotly-plot')).toBe(true);
    // typed arrays go to plotly.js untouched: it decodes {dtype, bdata} itself
    expect(data).toEqual(figure.spec.data);
    expect(layout.width).toBeUndefined();
    expect(layout.autosize).toBe(true);
    expect(config.staticPlot).toBeUndefined();
    expect(host.querySelector('[data-testid="chart"]')?.getAttribute('data-status')).toBe('ready');
    expect(host.querySelector('[data-testid="chart-downsampled"]')?.textContent).toBe('2,000 of 10,000 points shown');
  });

  it('draws a small still chart on a node card', async () => {
    await render(figure, true);
    const [, , layout, config] = fake.react.mock.calls[0] as unknown as [HTMLElement, unknown[], Record<string, unknown>, Record<string, unknown>];
    expect(layout.width).toBe(216);
    expect(layout.showlegend).toBe(false);
    expect(config.staticPlot).toBe(true);
  });

  it('frees the chart when it goes away', async () => {
    await render(figure, false);
    await act(async () => {
      mount.root.render(<div />);
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(fake.purge).toHaveBeenCalledTimes(1);
  });

  it('says so when the figure cannot be drawn', async () => {
    fake.react.mockImplementationOnce(() => Promise.reject(new Error('bad trace')));
    const host = await render(figure, false);
    expect(host.querySelector('[role="alert"]')?.textContent).toContain('bad trace');
  });

  it('shows a plotly preview without a trace list as unknown', async () => {
    const host = await render({ kind: 'plotly', type: 'Figure', spec: {} }, false);
    expect(host.querySelector('[data-testid="chart"]')).toBeNull();
    expect(fake.react).not.toHaveBeenCalled();
  });
});
