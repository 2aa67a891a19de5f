import { Fragment, useEffect, useLayoutEffect, useRef, useState, type Key, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import './runlist.css';

/** Up to this many rows a list is rendered whole, in the page's flow (find-in-page sees every row). */
export const WHOLE_LIST_MAX_ROWS = 100;

interface VirtualRowsProps {
  count: number;
  /**
   * A stable key per row (React's, and the virtualizer's size cache). Keep the function while the rows stay
   * the same (`useCallback`): a new one makes the virtualizer lay out every row again.
   */
  rowKey(index: number): string;
  /** The row's `<li>`. */
  renderRow(index: number): ReactNode;
  /** A first guess of a row's height; rows are measured once drawn. */
  estimateRowPx: number;
  /** The list element's gap between rows, in pixels (its CSS `gap`). */
  gapPx?: number;
  as: 'ol' | 'ul';
  label: string;
  listClassName: string;
  /** Classes of the scrolling box around a long list. */
  scrollerClassName?: string;
  /** Rows `first`..`last` are drawn (the whole list: all of them). */
  onVisibleRange?(first: number, last: number): void;
  /** Brings this row into view when it changes (-1: none). */
  scrollToIndex?: number;
}

/** A list that draws only the rows in view (@tanstack/react-virtual) once it is longer than a page or two. */
export function VirtualRows(props: VirtualRowsProps) {
  return props.count > WHOLE_LIST_MAX_ROWS ? <LongList {...props} /> : <WholeList {...props} />;
}

function WholeList({ count, rowKey, renderRow, as: List, label, listClassName, onVisibleRange }: VirtualRowsProps) {
  useEffect(() => onVisibleRange?.(0, Math.max(0, count - 1)), [count, onVisibleRange]);
  return (
    <List className={listClassName} aria-label={label}>
      {Array.from({ length: count }, (_, index) => (
        <Fragment key={rowKey(index)}>{renderRow(index)}</Fragment>
      ))}
    </List>
  );
}

function LongList(props: VirtualRowsProps) {
  const { count, rowKey, renderRow, estimateRowPx, gapPx = 0, as: List, label, listClassName } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement & HTMLUListElement>(null);
  // The virtualizer re-renders this list on every scroll by design: nothing here relies on memoizing it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => estimateRowPx,
    getItemKey: rowKey,
    gap: gapPx,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const scrolling = virtualizer.isScrolling;
  // Rows drawn when the list last stood still; a row that comes into view while it scrolls is a placeholder
  // until it stops (a fast scroll draws a few cheap rows a frame, not dozens of full ones).
  const [shown, setShown] = useState<ReadonlySet<Key>>(() => new Set());
  const drawnKeys = items.map((item) => item.key).join('\n');
  useEffect(() => {
    if (!scrolling) setShown(new Set(drawnKeys.split('\n')));
  }, [scrolling, drawnKeys]);
  // Rows render their own `<li>`: each drawn one is tagged with its index and measured here (placeholders keep
  // their estimate, so a scroll does not make the virtualizer lay out the whole list again for each).
  useLayoutEffect(() => {
    const drawn = list.current?.children;
    items.forEach((item, i) => {
      const element = drawn?.[i];
      if (!element || element.hasAttribute('data-placeholder')) return;
      element.setAttribute('data-index', String(item.index));
      virtualizer.measureElement(element);
    });
  });
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { onVisibleRange, scrollToIndex = -1 } = props;
  // Placeholders need nothing read: the range is reported once the list stands still.
  useEffect(() => {
    if (!scrolling) onVisibleRange?.(first, last);
  }, [first, last, scrolling, onVisibleRange]);
  useEffect(() => {
    if (scrollToIndex >= 0) virtualizer.scrollToIndex(scrollToIndex, { align: 'auto' });
  }, [scrollToIndex, virtualizer]);
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div ref={scroller} className={`virtual-scroller ${props.scrollerClassName ?? ''}`} data-row-count={count}>
      <List
        ref={list}
        className={listClassName}
        aria-label={label}
        style={{ paddingTop: before, paddingBottom: Math.max(0, after) }}>
        {items.map((item) =>
          !scrolling || shown.has(String(item.key)) ? (
            <Fragment key={item.key}>{renderRow(item.index)}</Fragment>
          ) : (
            <li
              key={item.key}
              className="virtual-placeholder"
              data-placeholder
              aria-hidden
              style={{ height: item.size }}
            />
          ),
        )}
      </List>
    </div>
  );
}
