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
    if (!open) return;
    // Choosing the workflow already open changes no state: the click itself closes the panel, as does Escape.
    const onClick = (event: MouseEvent) => {
      if (event.target instanceof Element && event.target.closest('[data-testid="workflow-item"]'))
        setOpenFor(undefined);
    };
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpenFor(undefined);
    document.addEventListener('click', onClick);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('click', onClick);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
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
