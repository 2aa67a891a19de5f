import { createContext, useContext, useMemo, useRef, useState, type KeyboardEvent } from 'react';

/**
 * A JSON value as a collapsible tree (the WAI-ARIA tree pattern: arrows move, Right/Left open and close,
 * Enter toggles, one item in the tab order). Children render only once their node is open, and at most
 * `JSON_TREE_PAGE` of them at a time: "Show more" adds the next page, so a 5,000-key output stays fast.
 */

export const JSON_TREE_PAGE = 100;
/** Strings longer than this are cut in the tree (the Text and Raw views show them whole). */
const STRING_PREVIEW_CHARS = 500;
/** Containers this small open by themselves near the root. */
const AUTO_OPEN_ENTRIES = 20;
const AUTO_OPEN_DEPTH = 2;

type Entry = [label: string, value: unknown];

/** Which item holds the tab stop (roving tabindex), by item id. */
const ActiveItem = createContext<{ active: string; setActive(id: string): void }>({
  active: '',
  setActive: () => undefined,
});

export function JsonTree({ value, label }: { value: unknown; label: string }) {
  const [active, setActive] = useState(ROOT_ID);
  const tree = useRef<HTMLUListElement>(null);
  const roving = useMemo(() => ({ active, setActive }), [active]);
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(tree.current?.querySelectorAll<HTMLElement>('[role="treeitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const target = moveTarget(event.key, at, items.length);
    if (target === undefined) return;
    event.preventDefault();
    items[target]?.focus();
  };
  return (
    <ActiveItem.Provider value={roving}>
      <ul className="json-tree" role="tree" aria-label={label} ref={tree} onKeyDown={onKeyDown}>
        <JsonNode id={ROOT_ID} label={undefined} value={value} depth={1} position={[1, 1]} />
      </ul>
    </ActiveItem.Provider>
  );
}

const ROOT_ID = '$';

/** Up/Down/Home/End: the index of the visible item to focus (undefined: not a move key). */
function moveTarget(key: string, at: number, count: number): number | undefined {
  if (count === 0) return undefined;
  if (key === 'ArrowDown') return Math.min(count - 1, at + 1);
  if (key === 'ArrowUp') return Math.max(0, at - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return undefined;
}

interface NodeProps {
  id: string;
  /** The key or index under its parent; none for the root. */
  label: string | undefined;
  value: unknown;
  depth: number;
  /** Position among its siblings and their count (aria-posinset / aria-setsize). */
  position: [number, number];
}

function JsonNode({ id, label, value, depth, position }: NodeProps) {
  const entries = useMemo(() => entriesOf(value), [value]);
  const [open, setOpen] = useState(
    () => entries !== undefined && depth <= AUTO_OPEN_DEPTH && (depth === 1 || entries.length <= AUTO_OPEN_ENTRIES),
  );
  const [shown, setShown] = useState(JSON_TREE_PAGE);
  const { active, setActive } = useContext(ActiveItem);
  const expandable = entries !== undefined && entries.length > 0;
  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    // Keys bubble from nested items: only the focused item acts.
    if (event.target !== event.currentTarget) return;
    const handled = itemKey(event, { expandable, open, setOpen });
    if (handled) event.preventDefault();
  };
  return (
    <li
      role="treeitem"
      className="json-item"
      aria-expanded={expandable ? open : undefined}
      aria-level={depth}
      aria-posinset={position[0]}
      aria-setsize={position[1]}
      aria-label={itemLabel(label, value, entries)}
      tabIndex={active === id ? 0 : -1}
      data-json-id={id}
      onFocus={(event) => event.target === event.currentTarget && setActive(id)}
      onKeyDown={onKeyDown}>
      <span
        className="json-row"
        onClick={() => expandable && setOpen(!open)}
        aria-hidden // the item's aria-label says the same, once
      >
        <span className="json-toggle">{expandable ? (open ? '▾' : '▸') : ''}</span>
        {label !== undefined && <span className="json-key">{label}: </span>}
        <ValuePreview value={value} entries={entries} />
      </span>
      {expandable && open && (
        <ul role="group" className="json-group">
          {entries.slice(0, shown).map(([key, child], index) => (
            <JsonNode
              key={key}
              id={`${id}/${index}`}
              label={key}
              value={child}
              depth={depth + 1}
              position={[index + 1, entries.length]}
            />
          ))}
          {entries.length > shown && (
            <ShowMore id={`${id}/more`} left={entries.length - shown} onMore={() => setShown(shown + JSON_TREE_PAGE)} />
          )}
        </ul>
      )}
    </li>
  );
}

/** Right opens (or goes to the first child), Left closes (or goes to the parent), Enter/Space toggle. */
function itemKey(
  event: KeyboardEvent<HTMLLIElement>,
  { expandable, open, setOpen }: { expandable: boolean; open: boolean; setOpen(open: boolean): void },
): boolean {
  const item = event.currentTarget;
  switch (event.key) {
    case 'ArrowRight':
      if (expandable && !open) setOpen(true);
      else if (open) item.querySelector<HTMLElement>('[role="treeitem"]')?.focus();
      return true;
    case 'ArrowLeft':
      if (open) setOpen(false);
      else item.parentElement?.closest<HTMLElement>('[role="treeitem"]')?.focus();
      return true;
    case 'Enter':
    case ' ':
      if (expandable) setOpen(!open);
      return expandable;
    default:
      return false;
  }
}

/** The next page of a long list, as an item of the tree so the keyboard reaches it. */
function ShowMore({ id, left, onMore }: { id: string; left: number; onMore(): void }) {
  const { active, setActive } = useContext(ActiveItem);
  const text = `Show ${Math.min(left, JSON_TREE_PAGE)} more (${left} not shown)`;
  return (
    <li
      role="treeitem"
      className="json-item json-more"
      tabIndex={active === id ? 0 : -1}
      onFocus={() => setActive(id)}
      onClick={onMore}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        onMore();
      }}>
      <span className="json-row">
        <span className="json-toggle" />
        <span className="link-button">{text}</span>
      </span>
    </li>
  );
}

function ValuePreview({ value, entries }: { value: unknown; entries: Entry[] | undefined }) {
  if (entries !== undefined) return <span className="json-summary">{summaryOf(value, entries)}</span>;
  return <span className={`json-value json-${kindOf(value)}`}>{scalarText(value)}</span>;
}

function entriesOf(value: unknown): Entry[] | undefined {
  if (Array.isArray(value)) return value.map((item, index) => [String(index), item]);
  if (typeof value === 'object' && value !== null) return Object.entries(value);
  return undefined;
}

function summaryOf(value: unknown, entries: Entry[]): string {
  const count = entries.length;
  if (Array.isArray(value)) return count === 0 ? '[]' : `[…] ${count} item${count === 1 ? '' : 's'}`;
  return count === 0 ? '{}' : `{…} ${count} key${count === 1 ? '' : 's'}`;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

function scalarText(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'undefined' : JSON.stringify(value);
  const cut = value.length > STRING_PREVIEW_CHARS;
  const text = JSON.stringify(cut ? value.slice(0, STRING_PREVIEW_CHARS) : value);
  return cut ? `${text}… (${value.length - STRING_PREVIEW_CHARS} more characters)` : text;
}

function itemLabel(label: string | undefined, value: unknown, entries: Entry[] | undefined): string {
  const what = entries !== undefined ? summaryOf(value, entries) : scalarText(value);
  return label === undefined ? what : `${label}: ${what}`;
}
