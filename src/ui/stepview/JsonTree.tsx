import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { JSON_TREE_PAGE, treeRows, type TreeRow } from './jsonTreeRows';

export { JSON_TREE_PAGE };

/**
 * A JSON value as a collapsible tree (the WAI-ARIA tree pattern, flat: each visible item is one `treeitem`
 * with its level, so its name is its own line; arrows move, Right/Left open and close, Enter toggles, one
 * item in the tab order). Only open nodes' children are rows, a page at a time with a "Show more" item.
 */
export function JsonTree({ value, label }: { value: unknown; label: string }) {
  /** Nodes the user opened or closed (the others keep their default). */
  const [toggled, setToggled] = useState<ReadonlySet<string>>(() => new Set());
  const [pages, setPages] = useState<ReadonlyMap<string, number>>(() => new Map());
  const [active, setActive] = useState(ROOT_ID);
  const items = useRef(new Map<string, HTMLLIElement>());
  /** The row to focus once it renders (after "Show more": the first row it added). */
  const pendingFocus = useRef<string>(undefined);
  const rows = useMemo(() => treeRows(value, toggled, pages), [value, toggled, pages]);
  useEffect(() => {
    if (pendingFocus.current === undefined) return;
    items.current.get(pendingFocus.current)?.focus();
    pendingFocus.current = undefined;
  }, [rows]);

  const toggle = (id: string) => setToggled((now) => flip(now, id));
  const more = (row: TreeRow) => {
    const page = pages.get(row.parentId!) ?? 1;
    pendingFocus.current = `${row.parentId}/${page * JSON_TREE_PAGE}`;
    setPages(new Map(pages).set(row.parentId!, page + 1));
  };
  const activate = (row: TreeRow) => (row.kind === 'more' ? more(row) : row.expandable && toggle(row.id));
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const row = rows[index]!;
    const target = keyTarget(event.key, row, index, rows);
    if (target === 'toggle') activate(row);
    else if (target === undefined) return;
    else items.current.get(rows[target]!.id)?.focus();
    event.preventDefault();
  };
  const tabStop = rows.some((row) => row.id === active) ? active : ROOT_ID;
  return (
    <ul className="json-tree" role="tree" aria-label={label}>
      {rows.map((row, index) => (
        <li
          key={row.id}
          ref={(element) => void (element ? items.current.set(row.id, element) : items.current.delete(row.id))}
          role="treeitem"
          className={row.kind === 'more' ? 'json-item json-more' : 'json-item'}
          aria-level={row.depth}
          aria-posinset={row.position}
          aria-setsize={row.setSize}
          aria-expanded={row.expandable ? row.open : undefined}
          tabIndex={row.id === tabStop ? 0 : -1}
          style={{ paddingLeft: `${(row.depth - 1) * 16}px` }}
          onFocus={() => setActive(row.id)}
          onClick={() => activate(row)}
          onKeyDown={(event) => onKeyDown(event, index)}>
          <RowText row={row} />
        </li>
      ))}
    </ul>
  );
}

const ROOT_ID = '$';

function flip(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(set);
  if (!next.delete(id)) next.add(id);
  return next;
}

/** Where a key takes the focus (a row index), 'toggle' for the row itself, or undefined: not a tree key. */
function keyTarget(key: string, row: TreeRow, index: number, rows: readonly TreeRow[]): number | 'toggle' | undefined {
  switch (key) {
    case 'ArrowDown':
      return Math.min(rows.length - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return rows.length - 1;
    case 'ArrowRight':
      if (row.expandable && !row.open) return 'toggle';
      return row.expandable ? index + 1 : index;
    case 'ArrowLeft':
      if (row.expandable && row.open) return 'toggle';
      return row.parentId === undefined ? index : rows.findIndex((r) => r.id === row.parentId);
    case 'Enter':
    case ' ':
      return 'toggle';
    default:
      return undefined;
  }
}

function RowText({ row }: { row: TreeRow }) {
  if (row.kind === 'more') return <span className="link-button">{row.text}</span>;
  return (
    <span className="json-row">
      {row.label !== undefined && <span className="json-key">{row.label}: </span>}
      <span className={row.expandable || row.empty ? 'json-summary' : `json-value json-${row.valueKind}`}>
        {row.text}
      </span>
    </span>
  );
}
