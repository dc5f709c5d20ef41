import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompositeData } from '../protocol/generated';
import { DefinitionSender } from './sender';

const def = (name: string): CompositeData => ({ name, nodes: [], edges: [], inputs: [], outputs: [] });

function setup(reply: (d: CompositeData) => Promise<CompositeData> = async (d) => d) {
  const sent: [string, Record<string, string> | null][] = [];
  const errors: unknown[] = [];
  const onChange = vi.fn();
  const sender = new DefinitionSender({
    send: (d, renamed) => {
      sent.push([d.name, renamed]);
      return reply(d);
    },
    onChange,
    onError: (e) => errors.push(e),
  });
  return { sender, sent, errors, onChange };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('DefinitionSender', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows an edit at once and sends it; the reply becomes the definition', async () => {
    const { sender, sent } = setup();
    sender.setServer(def('A'));
    sender.edit(def('B'));
    expect(sender.current?.name).toBe('B');
    expect(sender.busy).toBe(true);
    await settle();
    expect(sent).toEqual([['B', null]]);
    expect(sender.busy).toBe(false);
    expect(sender.current?.name).toBe('B');
  });

  it('sends a burst of delayed edits once, the last one', async () => {
    const { sender, sent } = setup();
    sender.setServer(def('A'));
    sender.edit(def('B'), { delay: 300 });
    await vi.advanceTimersByTimeAsync(200);
    sender.edit(def('C'), { delay: 300 });
    await vi.advanceTimersByTimeAsync(200);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(sent).toEqual([['C', null]]);
  });

  it('keeps one send in flight; what came meanwhile goes after it, renames composed', async () => {
    let answer: (d: CompositeData) => void = () => undefined;
    const { sender, sent } = setup((d) => new Promise((r) => (answer = () => r(d))));
    sender.setServer(def('A'));
    sender.edit(def('B'), { renamed: { a: 'b' } });
    sender.edit(def('C'), { renamed: { b: 'c' } });
    sender.edit(def('D'), { renamed: { x: 'y' } });
    await settle();
    expect(sent).toEqual([['B', { a: 'b' }]]);
    answer(def('B'));
    await settle();
    expect(sent).toEqual([
      ['B', { a: 'b' }],
      ['D', { b: 'c', x: 'y' }],
    ]);
    expect(sender.current?.name).toBe('D');
    answer(def('D'));
    await settle();
    expect(sender.busy).toBe(false);
  });

  it("a refusal drops the draft: the worker's definition shows again, and the error is told", async () => {
    const { sender, errors } = setup(() => Promise.reject(new Error('refused')));
    sender.setServer(def('A'));
    sender.edit(def('B'));
    await settle();
    expect(sender.current?.name).toBe('A');
    expect(errors).toHaveLength(1);
  });

  it("the worker's definition shows unless an edit of this view waits", async () => {
    const { sender } = setup();
    sender.setServer(def('A'));
    sender.edit(def('B'), { delay: 500 });
    sender.setServer(def('Undone'));
    expect(sender.current?.name).toBe('B');
    await vi.advanceTimersByTimeAsync(600);
    sender.setServer(def('Undone'));
    expect(sender.current?.name).toBe('Undone');
  });

  it('flushes a waiting edit when closed', async () => {
    const { sender, sent } = setup();
    sender.setServer(def('A'));
    sender.edit(def('B'), { delay: 1000 });
    sender.close();
    await settle();
    expect(sent).toEqual([['B', null]]);
    sender.edit(def('C'));
    await settle();
    expect(sent).toHaveLength(1);
  });

  it('sends nothing for a definition equal to the worker\'s (key order aside)', async () => {
    const { sender, sent } = setup();
    sender.setServer({ name: 'A', nodes: [{ uuid: 'n', inputs: { b: 1 } }], edges: [], inputs: [], outputs: [] });
    sender.edit({ outputs: [], inputs: [], edges: [], nodes: [{ inputs: { b: 1 }, uuid: 'n' }], name: 'A' });
    await settle();
    expect(sent).toEqual([]);
    expect(sender.busy).toBe(false);
  });
});
