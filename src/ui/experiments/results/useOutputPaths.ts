import { useState } from 'react';
import { collectOutputPaths, type ResultRow } from './columns';

type Paths = ReadonlyMap<string, ReadonlyArray<readonly string[]>>;

/**
 * The output columns of each variant: every path seen in the rows read so far. A column never goes away
 * while the table is open (scrolling does not make columns come and go), new ones join at the end.
 */
export function useOutputPaths(batchId: string, rows: readonly ResultRow[]): Paths {
  const [seen, setSeen] = useState<{ batchId: string; rows?: readonly ResultRow[]; paths: Paths }>({
    batchId,
    paths: new Map(),
  });
  if (seen.rows !== rows || seen.batchId !== batchId) {
    const before = seen.batchId === batchId ? seen.paths : new Map();
    const after = collectOutputPaths(rows, before);
    const grew = [...after].some(([variantId, list]) => list.length !== (before.get(variantId)?.length ?? 0));
    // The same map while nothing new was seen: the columns (and the sorted rows) are not worked out again.
    const paths = grew || seen.batchId !== batchId ? after : before;
    setSeen({ batchId, rows, paths });
    return paths;
  }
  return seen.paths;
}
