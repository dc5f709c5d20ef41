// The keyboard and focus behaviour every modal dialog shares: focus moves into the dialog when
// it opens (to `initialFocus`, else its first focusable control), stays inside (Tab cycles),
// Escape closes, and focus returns where it was when the dialog goes away.
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

export function useModal(
  dialogRef: RefObject<HTMLElement | null>,
  onClose: () => void,
  focusable: string,
  initialFocus?: RefObject<HTMLElement | null>,
): void {
  const closeLatest = useRef(onClose);
  useLayoutEffect(() => {
    closeLatest.current = onClose;
  });

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    (initialFocus?.current ?? dialogRef.current?.querySelector<HTMLElement>(focusable))?.focus();
    // On the document, so Escape and Tab work even when a click left focus on the page.
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        closeLatest.current();
      } else if (e.key === 'Tab') {
        trapTab(e, dialogRef.current, focusable);
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      if (before?.isConnected) before.focus();
    };
  }, [dialogRef, focusable, initialFocus]);
}

/** Keep Tab inside the dialog: from the last control to the first and back. */
function trapTab(e: globalThis.KeyboardEvent, dialog: HTMLElement | null, focusable: string): void {
  const all = dialog?.querySelectorAll<HTMLElement>(focusable);
  if (!dialog || !all || all.length === 0) return;
  const first = all[0]!;
  const last = all[all.length - 1]!;
  const active = document.activeElement;
  if (!dialog.contains(active)) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  } else if (e.shiftKey && active === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}
