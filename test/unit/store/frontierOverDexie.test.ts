import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { Engine } from '../../../src/engine/engine';
import type { StepRecord } from '../../../src/engine/records';
import type { Runners } from '../../../src/engine/runtime';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';

/** A resume over IndexedDB reads the journal's end: a database written before a reload, opened by a new tab. */

const opened: TabflowDb[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

class ReadCountingStore extends DexieEngineStore {
  recordsRead = 0;
  wholeJournalReads = 0;
  override async loadSteps(runId: string) {
    this.wholeJournalReads++;
    return super.loadSteps(runId);
  }
  override async loadJournalTail(runId: string, isAnchor: (record: StepRecord) => boolean) {
    const tail = await super.loadJournalTail(runId, isAnchor);
    this.recordsRead += tail.length;
    return tail;
  }
  override async loadStepsByKey(keys: readonly string[]) {
    const read = await super.loadStepsByKey(keys);
    this.recordsRead += read.length;
    return read;
  }
}

function chainOf(count: number): WorkflowFile {
  const slug = (i: number) => (i === count ? 'hold' : `s${i}`);
  return {
    workflowConfig: { name: 'Chain', config: { allowedHosts: ['api.example.com'] } },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 's0' },
      },
      ...Array.from({ length: count + 1 }, (_, i) => ({
        stepSlug: slug(i),
        name: slug(i),
        stepType: 'action' as const,
        config: { action: 'http' as const, method: 'POST' as const, url: `https://api.example.com/${slug(i)}` },
        nextSteps: i < count ? { success: slug(i + 1) } : { success: 'report' },
      })),
      {
        stepSlug: 'report',
        name: 'Report',
        stepType: 'action',
        config: { action: 'set', values: { first: '{{steps.s0.output.status}}' } },
        nextSteps: {},
      },
    ],
  };
}

describe('resume over DexieEngineStore', () => {
  it('a new tab resumes a 60-step run from a few records and finishes it', async () => {
    const name = 't-' + crypto.randomUUID();
    const clock = new FakeClock();
    let held = false;
    const first: NonNullable<Runners['http']> = async (request) => {
      if (request.url.endsWith('/hold')) {
        held = true;
        return new Promise(() => undefined);
      }
      return { status: 200, statusText: 'OK', headers: {}, body: null };
    };
    const before = new TabflowDb(name);
    opened.push(before);
    const engine = new Engine({ store: new DexieEngineStore(before), clock, runners: { http: first } });
    const runId = await engine.start({ workflow: chainOf(60), input: {} });
    const deadline = Date.now() + 5_000;
    while (!held && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(held).toBe(true);
    engine.shutdown();
    before.close();

    const after = new TabflowDb(name);
    opened.push(after);
    const store = new ReadCountingStore(after);
    const ok = async () => ({ status: 201, statusText: 'Created', headers: {}, body: null });
    const resumed = new Engine({ store, clock, runners: { http: ok } });
    await resumed.resumeAll();
    const run = await resumed.awaitRun(runId);
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ first: 200 });
    expect(store.wholeJournalReads).toBe(0);
    expect(store.recordsRead).toBeLessThanOrEqual(4);
    const steps = await after.steps.where('[runId+seq]').between([runId, 0], [runId, Infinity]).toArray();
    expect(steps.filter((s) => s.status === 'completed')).toHaveLength(63);
  });
});
