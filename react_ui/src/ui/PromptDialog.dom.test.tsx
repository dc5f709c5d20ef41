// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../testing/mount';
import { PromptDialog } from './PromptDialog';

const mount = mountPoint();
const $ = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);

function type(el: HTMLInputElement, value: string) {
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function render(validate?: (t: string) => string | null) {
  const onConfirm = vi.fn();
  const onCancel = vi.fn();
  act(() =>
    mount.root.render(
      <PromptDialog title="Make a composite" label="Name" initial="Composite" confirmLabel="Make" onConfirm={onConfirm} onCancel={onCancel} {...(validate ? { validate } : {})} />,
    ),
  );
  return { onConfirm, onCancel, field: $('prompt-input') as HTMLInputElement };
}

describe('PromptDialog', () => {
  it('starts in the field with the text; Enter confirms it, trimmed', () => {
    const { onConfirm, field } = render();
    expect(document.activeElement).toBe(field);
    expect(field.value).toBe('Composite');
    type(field, '  Add twice ');
    act(() => field.form?.requestSubmit());
    expect(onConfirm).toHaveBeenCalledWith('Add twice');
  });

  it('says why a text is refused, and does not confirm it', () => {
    const { onConfirm, field } = render((t) => (t.length > 5 ? 'At most 5' : null));
    type(field, 'far too long');
    expect($('prompt-error')?.textContent).toBe('At most 5');
    expect(($('prompt-ok') as HTMLButtonElement).disabled).toBe(true);
    act(() => field.form?.requestSubmit());
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('Escape or Cancel cancels', () => {
    const { onCancel } = render();
    act(() => void document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(onCancel).toHaveBeenCalledTimes(1);
    act(() => $('prompt-cancel')?.click());
    expect(onCancel).toHaveBeenCalledTimes(2);
  });
});
