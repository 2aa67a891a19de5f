import { useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import {
  applyCompletion,
  expressionQuery,
  matchItems,
  templateQuery,
  type CompletionItem,
  type CompletionQuery,
} from './completions';

export type CompletionMode = 'template' | 'expression';

interface Props {
  id: string;
  value: string;
  onChange(text: string): void;
  /** The names to offer; asked for only when a list opens, so typing does not compute them. */
  items(): readonly CompletionItem[];
  /** `template`: after `{{`, closing with `}}`; `expression`: any name being typed. */
  mode: CompletionMode;
  rows?: number;
  describedBy: string;
  invalid: boolean;
  /** Names the list for screen readers ("Completions for …"). */
  label: string;
}

interface Open {
  query: CompletionQuery;
  options: CompletionItem[];
  active: number;
  /** The list was opened outside `{{ … }}`: the name goes in with its braces. */
  wrap: boolean;
}

/**
 * A textarea with a completion list (the ARIA combobox pattern on a textbox): typing opens it where a
 * name can go, ArrowUp/ArrowDown move, Enter or Tab inserts, Escape closes; Ctrl+Space opens it again.
 */
export function CompletingTextarea(props: Props) {
  const { id, value, onChange, items, mode } = props;
  const ref = useRef<HTMLTextAreaElement>(null);
  const pendingCaretRef = useCaretAfterRender(ref);
  const [open, setOpen] = useState<Open>();
  const listId = `${id}-completions`;

  const refresh = (text: string, caret: number, asked = false) => {
    const found = mode === 'template' ? templateQuery(text, caret) : expressionQuery(text, caret);
    // Asked for (Ctrl+Space) where no name is being typed: every name, inserted at the caret.
    const query = found ?? (asked ? { from: caret, prefix: '' } : undefined);
    const options = query ? matchItems(items(), query.prefix) : [];
    setOpen(
      query && options.length > 0
        ? { query, options, active: 0, wrap: asked && !found && mode === 'template' }
        : undefined,
    );
  };

  const accept = (item: CompletionItem) => {
    const el = ref.current;
    if (!el || !open) return;
    const label = open.wrap ? `{{${item.label}` : item.label;
    const next = applyCompletion(value, el.selectionStart, open.query, label, mode === 'template');
    pendingCaretRef.current = next.caret;
    setOpen(undefined);
    onChange(next.text);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === ' ' && event.ctrlKey) {
      event.preventDefault();
      refresh(value, event.currentTarget.selectionStart, true);
    } else if (open && listKey(event, open, setOpen, accept)) {
      event.preventDefault();
      // Escape inside the list must not also close a dialog or panel around the field.
      event.stopPropagation();
    }
  };

  return (
    <div className="completing">
      <textarea
        ref={ref}
        id={id}
        value={value}
        rows={props.rows ?? 3}
        spellCheck={mode === 'template'}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${open.active}` : undefined}
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid || undefined}
        onChange={(e) => {
          onChange(e.target.value);
          refresh(e.target.value, e.target.selectionStart);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(undefined)}
      />
      {open && <CompletionList id={listId} label={props.label} open={open} onPick={accept} />}
      <span className="form-sr-only" aria-live="polite">
        {open ? `${open.options.length} suggestions; arrow keys to choose, Enter to insert` : ''}
      </span>
    </div>
  );
}

/** The keys of an open list; false when the key is not one of them (the textarea then handles it). */
function listKey(
  event: KeyboardEvent<HTMLTextAreaElement>,
  open: Open,
  setOpen: (next: Open | undefined) => void,
  accept: (item: CompletionItem) => void,
): boolean {
  const move = (by: number) =>
    setOpen({ ...open, active: (open.active + by + open.options.length) % open.options.length });
  if (event.key === 'ArrowDown') move(1);
  else if (event.key === 'ArrowUp') move(-1);
  else if (event.key === 'Enter' || event.key === 'Tab') accept(open.options[open.active]!);
  else if (event.key === 'Escape') setOpen(undefined);
  else return false;
  return true;
}

function CompletionList(props: { id: string; label: string; open: Open; onPick(item: CompletionItem): void }) {
  const { id, open, onPick } = props;
  return (
    <ul id={id} role="listbox" aria-label={`Completions for ${props.label}`} className="completions">
      {open.options.map((item, i) => (
        <li
          key={item.label}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === open.active}
          className={i === open.active ? 'completion completion-active' : 'completion'}
          // mousedown, not click: the textarea keeps its focus and caret.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(item);
          }}>
          <code>{item.label}</code> <span className="completion-detail">{item.detail}</span>
        </li>
      ))}
    </ul>
  );
}

/** Where the caret goes once the inserted text has rendered (React re-renders the value first). */
function useCaretAfterRender(ref: RefObject<HTMLTextAreaElement | null>) {
  const pending = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    const caret = pending.current;
    if (caret === undefined || !ref.current) return;
    pending.current = undefined;
    ref.current.setSelectionRange(caret, caret);
  });
  return pending;
}
