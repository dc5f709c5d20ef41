// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../testing/mount';
import { useWorkflowFile } from './useWorkflowFile';

const mount = mountPoint();

function setup(nodeCount: number) {
  const call = vi.fn(() => Promise.resolve(null));
  const merge = vi.fn();
  const api: { importFile?: (file: File) => Promise<boolean> } = {};
  function Harness() {
    const wf = useWorkflowFile({ client: { call } as never, workerName: () => 'w', nodeCount: () => nodeCount, fail: vi.fn(), notify: vi.fn(), merge });
    api.importFile = wf.importFile;
    return <>{wf.element}</>;
  }
  act(() => mount.root.render(<Harness />));
  const drop = async (doc: unknown, name: string) => {
    let ok = false;
    await act(async () => {
      ok = (await api.importFile?.(new File([JSON.stringify(doc)], name, { type: 'application/json' }))) ?? false;
    });
    return ok;
  };
  return { call, merge, drop };
}

const COMPOSITES = { schema_version: 1, nodes: [], edges: [], composites: { twice: { name: 'Twice', nodes: [], edges: [], inputs: [], outputs: [] } } };

describe('useWorkflowFile', () => {
  it('merges a document of composites only (an exported composite): it never replaces the graph', async () => {
    const { call, merge, drop } = setup(3);
    expect(await drop(COMPOSITES, 'twice.composite.json')).toBe(true);
    expect(merge).toHaveBeenCalledWith(COMPOSITES, 'twice.composite.json');
    expect(call).not.toHaveBeenCalled();
    expect(document.querySelector('[data-testid="confirm-dialog"]')).toBeNull();
  });

  it('imports a workflow with nodes as before (asking first over a graph)', async () => {
    const { merge, drop } = setup(3);
    expect(await drop({ schema_version: 1, nodes: [{ uuid: 'a', node_id: 'x' }], edges: [] }, 'flow.json')).toBe(true);
    expect(merge).not.toHaveBeenCalled();
    expect(document.querySelector('[data-testid="confirm-dialog"]')).not.toBeNull();
  });
});
