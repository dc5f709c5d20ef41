// DOM tests: a fresh element and React root per test, unmounted afterwards.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach } from 'vitest';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface MountPoint {
  /** The element the test renders into (attached to the document). */
  host: HTMLDivElement;
  root: Root;
}

/** Register beforeEach/afterEach hooks; the returned object holds the current test's mount. */
export function mountPoint(): MountPoint {
  const mount = {} as MountPoint;
  beforeEach(() => {
    mount.host = document.createElement('div');
    document.body.append(mount.host);
    mount.root = createRoot(mount.host);
  });
  afterEach(() => {
    act(() => mount.root.unmount());
    mount.host.remove();
  });
  return mount;
}
