import type { WorkflowFile } from '../../../src/schema/workflow';
import { chain, set, transform } from '../../support/flows';
import { query } from '../../support/postgres';

/** A forEach loop over `count` items, one at a time, each iteration two steps (so a child workflow of its own). */
export function longLoop(count: number): WorkflowFile {
  const items = Array.from({ length: count }, (_, i) => `item-${i}`);
  const body = [
    set('tag', { item: '{{loop.item}}', note: 'a line of text that every iteration records' }, { success: 'echo' }),
    transform('echo', '{ "echo": steps.tag.output.item }'),
  ];
  return chain('Long loop', [
    { stepSlug: 'each', name: 'Each', stepType: 'loop', config: { forEach: items, concurrency: 1, steps: body } },
  ]);
}

/** The bytes each of run `runId`'s branch child workflows was handed (its stored input), by workflow id. */
export async function bytesHanded(url: string, runId: string): Promise<Map<string, number>> {
  const rows = await query<{ id: string; bytes: number }>(
    url,
    `SELECT s.workflow_uuid AS id, length(COALESCE(i.inputs, s.inputs))::int AS bytes
     FROM dbos.workflow_status s LEFT JOIN dbos.workflow_input i USING (workflow_uuid)
     WHERE s.name = 'tabflowBranch' AND s.workflow_uuid LIKE $1`,
    [`${runId}:%`],
  );
  return new Map(rows.map((row) => [row.id, row.bytes]));
}
