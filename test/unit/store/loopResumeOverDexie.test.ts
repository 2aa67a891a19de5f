import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { Engine } from '../../../src/engine/engine';
import type { ModelRunner } from '../../../src/engine/llmTypes';
import type { StepRecord } from '../../../src/engine/records';
import type { Runners } from '../../../src/engine/runtime';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { chain, http, llm, transform } from '../../support/flows';
import { roundReply } from '../../support/resumeCrash';

/** Over IndexedDB, a loop and a line of model steps resume from the journal's end: a new tab reads a few records. */

const opened: TabflowDb[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

const HOSTS = { allowedHosts: ['api.example.com'] };

/** A while loop of 80 iterations whose iteration 60 POSTs to `hold`. */
const loop: WorkflowFile = chain(
  'loop',
  [
    {
      stepSlug: 'each',
      name: 'each',
      stepType: 'loop',
      config: {
        while: 'loop.index < 80',
        maxIterations: 80,
        steps: [
          transform('target', 'loop.index = 60 ? "hold" : "item"', { success: 'call' }),
          http('call', 'https://api.example.com/{{steps.target.output}}'),
        ],
      },
    },
  ],
  HOSTS,
);

/** Thirty model steps, then a POST to `hold`. */
const models: WorkflowFile = chain(
  'models',
  [
    ...Array.from({ length: 30 }, (_, i) => llm(`m${i}`, `question ${i}`)),
    http('hold', 'https://api.example.com/hold'),
  ],
  { ...HOSTS, limits: { maxTokensPerRun: 1_000_000 } },
);

/** The journal records each read returns, and what had been read when the first POST after the resume went out. */
function countReads(store: DexieEngineStore) {
  const reads = { records: 0, whole: 0, atFirstPost: undefined as { records: number; whole: number } | undefined };
  for (const name of ['loadSteps', 'loadJournalTail', 'loadStepsByKey'] as const) {
    const read = (store[name] as (...args: unknown[]) => Promise<StepRecord[]>).bind(store);
    Object.assign(store, {
      [name]: async (...args: unknown[]) => {
        const records = await read(...args);
        reads.records += records.length;
        if (name === 'loadSteps') reads.whole++;
        return records;
      },
    });
  }
  return reads;
}

const model: ModelRunner = async (round) => roundReply(round);

/** The first tab: runs the workflow until its POST to `hold` goes out, then goes away (as a reload would). */
async function firstTab(name: string, workflow: WorkflowFile, clock: FakeClock): Promise<string> {
  const db = new TabflowDb(name);
  opened.push(db);
  let reached!: () => void;
  const holding = new Promise<void>((resolve) => (reached = resolve));
  const http: NonNullable<Runners['http']> = async (request) => {
    if (request.url.endsWith('/hold')) return (reached(), new Promise(() => undefined));
    return { status: 200, statusText: 'OK', headers: {}, body: null };
  };
  const engine = new Engine({ store: new DexieEngineStore(db), clock, runners: { http, model } });
  const runId = await engine.start({ workflow, input: {} });
  await holding;
  engine.shutdown();
  db.close();
  return runId;
}

describe('resume over DexieEngineStore, after a long history', () => {
  it.each([
    ['a loop cut off in its iteration 60', loop, 8],
    ['a line of model steps', models, 6],
  ] as const)('%s: a new tab reads a few records and finishes the run', async (_n, workflow, maxRead) => {
    const name = 't-' + crypto.randomUUID();
    const clock = new FakeClock();
    const runId = await firstTab(name, workflow, clock);

    const after = new TabflowDb(name);
    opened.push(after);
    const store = new DexieEngineStore(after);
    const reads = countReads(store);
    const posts: string[] = [];
    const ok: NonNullable<Runners['http']> = async (request) => {
      reads.atFirstPost ??= { records: reads.records, whole: reads.whole };
      posts.push(request.url);
      return { status: 201, statusText: 'Created', headers: {}, body: null };
    };
    const resumed = new Engine({ store, clock, runners: { http: ok, model } });
    await resumed.resumeAll();
    const run = await resumed.awaitRun(runId);
    expect(run.status).toBe('completed');
    expect(reads.atFirstPost).toMatchObject({ whole: 0 });
    expect(reads.atFirstPost!.records).toBeLessThanOrEqual(maxRead);
    expect(posts[0]).toBe('https://api.example.com/hold');
    // Each effect once: the POSTs that answered before the reload are not sent again.
    expect(posts.filter((url) => url.endsWith('/hold'))).toHaveLength(1);
    if (workflow === loop) expect((run.output as unknown[]).length).toBe(80);
  });
});
