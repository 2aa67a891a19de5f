import { useEffect, useId, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { usePendingAnswers } from '../inbox/useInbox';
import './headerMenu.css';

/**
 * The header's commands. On a wide screen they sit in one row and the Menu button is hidden; on a narrow one
 * (below 720 px, `headerMenu.css`) they fold behind "Menu", which opens them as a panel under the header.
 * Escape, a click outside or focus leaving closes it; Escape gives focus back to the button, as does choosing a
 * command (so a dialog it opens returns focus to a control that is still shown).
 */
export function HeaderMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();
  useEffect(() => {
    if (!open) return;
    const inside = (target: EventTarget | null) =>
      target instanceof Node && (panel.current?.contains(target) || button.current?.contains(target));
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (event: PointerEvent) => !inside(event.target) && setOpen(false);
    const onFocus = (event: FocusEvent) => !inside(event.target) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('focusin', onFocus);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('focusin', onFocus);
    };
  }, [open]);
  // A command chosen from the open panel closes it; the theme's select is a choice made in place, not a command.
  const onChoose = (event: MouseEvent) => {
    if (!open || !(event.target instanceof Element) || !event.target.closest('a, button')) return;
    setOpen(false);
    button.current?.focus();
  };
  return (
    <>
      <button
        ref={button}
        type="button"
        className="button button-dark header-menu-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}>
        Menu
        <WaitingCount />
      </button>
      <div ref={panel} id={panelId} className="header-actions" data-open={open ? '' : undefined} onClick={onChoose}>
        {children}
      </div>
    </>
  );
}

/** The inbox's count on the Menu button, so questions waiting show while the Inbox link is folded away. */
function WaitingCount() {
  const pending = usePendingAnswers();
  const count = pending.status === 'ready' ? pending.value.length : 0;
  if (count === 0) return null;
  return (
    <>
      {' '}
      <span className="inbox-count header-menu-count">{count}</span>
      <span className="visually-hidden"> waiting for an answer in the inbox</span>
    </>
  );
}
