import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelRunner } from '../../../src/engine/llmTypes';
import { getBatch, readCellWindow } from '../../../src/store/batches';
import { testTabs, wordsSpec, type BatchTab } from '../../support/batchTab';
import { chain, llm } from '../../support/flows';
import { fakeModel } from '../../support/model';

const tabs = testTabs('sub');
afterEach(() => tabs.closeAll());

/** 15 tokens and $0.002 a round. */
const pricedModel: ModelRunner = async (round, call) => ({
  ...(await fakeModel(({ userPrompt }) => `said ${userPrompt}`)(round, call)),
  costUsd: 0.002,
});

const wordInput = { inputSchema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] } };

/** The cell's workflow has no LLM step of its own: its one model round is in the subworkflow (nested twice). */
async function tabWithNestedModel(): Promise<BatchTab> {
  const tab = tabs.open({ model: pricedModel });
  const subworkflow = (slug: string, workflow: string) => ({
    stepSlug: slug,
    name: slug,
    stepType: 'subworkflow',
    config: { workflow, input: { word: '{{input.word}}' } },
  });
  await tab.saveWorkflow('leaf', chain('Leaf', [llm('ask', 'Say {{input.word}}')], wordInput));
  await tab.saveWorkflow('middle', chain('Middle', [subworkflow('leaf', 'Leaf')], wordInput));
  await tab.saveWorkflow('wf', chain('Top', [subworkflow('middle', 'Middle')], wordInput));
  return tab;
}

describe("a cell's totals", () => {
  it("count the tokens and cost of its run's subworkflows, nested ones included", async () => {
    const tab = await tabWithNestedModel();
    const batchId = await tab.scheduler.startExperiment(wordsSpec(), [{ word: 'ada' }, { word: 'grace' }]);
    await tab.untilFinished(batchId);
    const cells = await readCellWindow(tab.db, batchId, 0, 2);
    expect(cells.map((cell) => [cell.status, cell.tokens, cell.costUsd])).toEqual([
      ['completed', 15, 0.002],
      ['completed', 15, 0.002],
    ]);
    const batch = (await getBatch(tab.db, batchId))!;
    expect(batch.totals.tokens).toBe(30);
    expect(batch.totals.costUsd).toBeCloseTo(0.004);
    // The subworkflow runs are the experiment's too (the runs lists leave them out with its cell runs).
    const children = (await tab.db.runs.toArray()).filter((run) => run.parentRunId !== undefined);
    expect(children.map((run) => run.batchId)).toEqual([batchId, batchId, batchId, batchId]);
  });
});
