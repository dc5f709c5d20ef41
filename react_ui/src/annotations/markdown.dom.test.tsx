// @vitest-environment happy-dom
import { act } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { mountPoint } from '../testing/mount';
import { Markdown } from './markdown';

const mount = mountPoint();

describe('note markdown', () => {
  it('renders headings, emphasis, code, lists and safe links only', () => {
    act(() =>
      mount.root.render(
        <ReactFlowProvider>
          <Markdown text={'# Title\nSome **bold** and *it* and `code`.\n\n- one\n- two\n\n[ok](https://x.org) [bad](javascript:alert(1))'} />
        </ReactFlowProvider>,
      ),
    );
    const h = mount.host;
    expect(h.querySelector('h3')?.textContent).toBe('Title');
    expect(h.querySelector('strong')?.textContent).toBe('bold');
    expect(h.querySelector('em')?.textContent).toBe('it');
    expect(h.querySelector('code')?.textContent).toBe('code');
    expect([...h.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    const links = [...h.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://x.org']);
    expect(h.textContent).toContain('bad');
  });
});
