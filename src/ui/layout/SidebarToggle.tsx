import { useEffect, useState } from 'react';
import { useUi } from '../state';

/**
 * On a narrow screen (styles.css, `--narrow` breakpoint) the library is a panel over the main area,
 * opened by this button; on a wide one the button is hidden and the library always shows. Choosing
 * a workflow closes the panel, so the workflow it opens is what the user sees next.
 */
export function SidebarToggle() {
  const selectedId = useUi((s) => s.selectedId) ?? null;
  // Open for the workflow shown when it was opened: choosing another one closes it.
  const [openFor, setOpenFor] = useState<string | null | undefined>(undefined);
  const open = openFor === selectedId;
  const setOpen = (next: boolean) => setOpenFor(next ? selectedId : undefined);
  useEffect(() => {
    const root = document.documentElement;
    if (open) root.dataset.libraryOpen = '';
    else delete root.dataset.libraryOpen;
    return () => void delete root.dataset.libraryOpen;
  }, [open]);
  return (
    <button
      type="button"
      className="button button-dark sidebar-toggle"
      aria-expanded={open}
      onClick={() => setOpen(!open)}>
      {open ? 'Close library' : 'Library'}
    </button>
  );
}
