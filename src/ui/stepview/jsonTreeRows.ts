/** The visible rows of a JSON tree (pure): open nodes' children, a page at a time, then a "show more" row. */

export const JSON_TREE_PAGE = 100;
/** Strings longer than this are cut in the tree (the Text and Raw views show them whole). */
const STRING_PREVIEW_CHARS = 500;
/** Containers this small open by themselves near the root (the root always does). */
const AUTO_OPEN_ENTRIES = 20;
const AUTO_OPEN_DEPTH = 2;

export interface TreeRow {
  /** The path of indexes from the root (`$`, `$/0`, `$/0/3`, `$/0/more`): never a key, so never ambiguous. */
  id: string;
  kind: 'node' | 'more';
  /** 1 for the root. */
  depth: number;
  /** Among its siblings (undefined for "show more"). */
  position: number | undefined;
  setSize: number | undefined;
  parentId: string | undefined;
  /** The key or index under its parent; none for the root. */
  label: string | undefined;
  /** A scalar's JSON, a container's summary, or "Show 100 more (…)". */
  text: string;
  expandable: boolean;
  open: boolean;
  /** An empty list or object. */
  empty: boolean;
  valueKind: string;
}

type Entry = [label: string, value: unknown];

export function treeRows(value: unknown, toggled: ReadonlySet<string>, pages: ReadonlyMap<string, number>): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (id: string, label: string | undefined, node: unknown, depth: number, at: [number, number] | []) => {
    const entries = entriesOf(node);
    const expandable = entries !== undefined && entries.length > 0;
    const byDefault = depth === 1 || (depth <= AUTO_OPEN_DEPTH && (entries?.length ?? 0) <= AUTO_OPEN_ENTRIES);
    const open = expandable && byDefault !== toggled.has(id);
    const parentId = depth === 1 ? undefined : id.slice(0, id.lastIndexOf('/'));
    rows.push({
      id,
      kind: 'node',
      depth,
      position: at[0],
      setSize: at[1],
      parentId,
      label,
      text: entries !== undefined ? summaryOf(node, entries) : scalarText(node),
      expandable,
      open,
      empty: entries !== undefined && entries.length === 0,
      valueKind: node === null ? 'null' : typeof node,
    });
    if (!open) return;
    const shown = Math.min(entries.length, (pages.get(id) ?? 1) * JSON_TREE_PAGE);
    for (let i = 0; i < shown; i++)
      visit(`${id}/${i}`, entries[i]![0], entries[i]![1], depth + 1, [i + 1, entries.length]);
    if (shown < entries.length) rows.push(moreRow(id, depth + 1, entries.length - shown));
  };
  visit('$', undefined, value, 1, []);
  return rows;
}

function moreRow(parentId: string, depth: number, left: number): TreeRow {
  return {
    id: `${parentId}/more`,
    kind: 'more',
    depth,
    position: undefined,
    setSize: undefined,
    parentId,
    label: undefined,
    text: `Show ${Math.min(left, JSON_TREE_PAGE)} more (${left} not shown)`,
    expandable: false,
    open: false,
    empty: false,
    valueKind: 'more',
  };
}

function entriesOf(value: unknown): Entry[] | undefined {
  if (Array.isArray(value)) return value.map((item, index) => [String(index), item]);
  // As JSON has it (and Raw shows it): a key holding undefined is no key.
  if (typeof value === 'object' && value !== null) return Object.entries(value).filter(([, v]) => v !== undefined);
  return undefined;
}

function summaryOf(value: unknown, entries: Entry[]): string {
  const count = entries.length;
  if (Array.isArray(value)) return count === 0 ? '[]' : `[…] ${count} item${count === 1 ? '' : 's'}`;
  return count === 0 ? '{}' : `{…} ${count} key${count === 1 ? '' : 's'}`;
}

function scalarText(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'undefined' : JSON.stringify(value);
  const cut = value.length > STRING_PREVIEW_CHARS;
  const text = JSON.stringify(cut ? value.slice(0, STRING_PREVIEW_CHARS) : value);
  return cut ? `${text}… (${value.length - STRING_PREVIEW_CHARS} more characters)` : text;
}
