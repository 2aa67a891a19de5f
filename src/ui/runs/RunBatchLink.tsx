import { useLiveQuery } from 'dexie-react-hooks';
import type { RunRecord } from '../../engine/records';
import { cellOfRun, getBatch } from '../../store/batches';
import { useDb } from '../DbContext';
import { routeHref } from '../routing/routes';

/** "row 12 of experiment “Prompts”" in the header of an experiment's cell run (or a judge's), linking to it. */
export function RunBatchLink({ run }: { run: RunRecord }) {
  const db = useDb();
  const batchId = run.batchId;
  const found = useLiveQuery(async () => {
    if (batchId === undefined) return null;
    // A judge's run is named after its cell's run (`<cell run>.j<i>`).
    const cellRunId = run.id.replace(/\.j\d+$/, '');
    const [batch, cell] = await Promise.all([getBatch(db, batchId), cellOfRun(db, cellRunId)]);
    return batch ? { batch, cell } : null;
  }, [db, batchId, run.id]);
  if (batchId === undefined || !found) return null;
  const { batch, cell } = found;
  const variant = cell && batch.spec.variants.length > 1 ? batch.spec.variants[cell.variantIndex]?.label : undefined;
  const judge = run.id !== cell?.runId && cell !== undefined;
  return (
    <a className="run-batch-link" href={routeHref({ screen: 'experiment', batchId })}>
      {judge ? 'judge of ' : ''}
      {cell ? `row ${cell.rowIndex + 1}${variant ? ` (${variant})` : ''} of ` : ''}experiment “{batch.name}”
    </a>
  );
}
