import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExperimentSpec } from '../../../src/schema/experiment';
import { getBatch } from '../../../src/store/batches';
import { testTabs, type BatchTab } from '../../support/batchTab';
import { chain, llm } from '../../support/flows';
import { createHarness, type Harness } from '../llm/harness';

const tabs = testTabs('rpm');
const harnesses: Harness[] = [];
afterEach(async () => {
  await tabs.closeAll();
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

const PER_MINUTE = 3;

/** Words → one model round each on the local OpenAI-compatible server, limited to `PER_MINUTE` requests. */
async function rateLimitedTab(): Promise<{ tab: BatchTab; sent: number[] }> {
  const sent: number[] = [];
  // The request's time on the runner's (fake) clock, taken as it goes out over the network.
  const harness: Harness = await createHarness({
    fetch: (input, init) => {
      sent.push(harness.clock.now);
      return fetch(input, init);
    },
  });
  harnesses.push(harness);
  harness.settings.providers[0]!.requestsPerMinute = PER_MINUTE;
  const tab = tabs.open({ model: harness.runner });
  const workflow = chain('Ask', [llm('ask', 'Say {{input.word}}')], {
    inputSchema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
  });
  await tab.saveWorkflow('wf', workflow);
  return { tab, sent };
}

const spec: ExperimentSpec = {
  name: 'Limited',
  workflowId: 'wf',
  source: { kind: 'list', column: 'word' },
  mapping: { word: 'word' },
  variants: [
    { id: 'v1', label: 'One' },
    { id: 'v2', label: 'Two' },
  ],
  evaluators: [],
};

/** The most requests sent within any 60 s window. */
function busiestMinute(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 60_000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("a provider's requests-per-minute limit across a batch", () => {
  it('never lets more than the limit of requests out in any minute, whatever the number of cells at once', async () => {
    const { tab, sent } = await rateLimitedTab();
    const words = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'donald'];
    const batchId = await tab.scheduler.startExperiment(
      spec,
      words.map((word) => ({ word })),
      { concurrency: 8 },
    );
    await tab.untilFinished(batchId, 20_000);
    expect((await getBatch(tab.db, batchId))!.counts).toMatchObject({ completed: 12, failed: 0 });
    expect(sent).toHaveLength(12);
    expect(busiestMinute(sent)).toBe(PER_MINUTE);
  });
});
