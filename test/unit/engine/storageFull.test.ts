import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../../src/engine/records';
import { QuotaError } from '../../../src/engine/store';
import { createTestEngine } from '../../support/engine';
import { chain, llm } from '../../support/flows';

/** A disk that can fill up: while full, every commit (the pause write too) fails as IndexedDB's quota does. */
function fillableDisk() {
  const disk = { full: false };
  const hook = (operation: string, phase: 'before' | 'after-commit') => {
    if (disk.full && operation === 'commit' && phase === 'before') throw new QuotaError('QuotaExceededError');
  };
  return { disk, hook };
}

/** How many times each step key was stored completed (a result must be recorded once). */
function countCompletions(data: { steps: Map<string, StepRecord> }): Map<string, number> {
  const counts = new Map<string, number>();
  const put = data.steps.set.bind(data.steps);
  data.steps.set = (key, record) => {
    if (record.status === 'completed' && data.steps.get(key)?.status !== 'completed')
      counts.set(key, (counts.get(key) ?? 0) + 1);
    return put(key, record);
  };
  return counts;
}

const napAndAsk = chain('full', [
  llm('one', '1'),
  { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 60_000 } },
  llm('two', '2'),
]);

describe('storage full', () => {
  it(
    'when even the pause cannot be written, the engine reports the run storage-full in memory, ' +
      'and resume (same engine, no reload) finishes it',
    async () => {
      const { disk, hook } = fillableDisk();
      const asked: string[] = [];
      const t = createTestEngine({
        hook,
        runners: { llm: async (req) => (asked.push(req.key), `ok ${req.userPrompt}`) },
      });
      const completions = countCompletions(t.data);
      const reports: string[][] = [];
      t.engine.watchStorage((runs) => reports.push(runs.map((r) => r.runId)));
      const id = await t.engine.start({ workflow: napAndAsk, input: {} });
      await t.quiesce();
      expect(t.data.runs.get(id)).toMatchObject({ status: 'waiting' });

      // The disk fills while the run sleeps: the wait's completion fails, and so does the pause.
      disk.full = true;
      t.clock.advance(60_000);
      await t.quiesce();
      expect(t.engine.isDriving(id)).toBe(false);
      const stored = t.data.runs.get(id)!;
      expect(stored.status).toBe('waiting'); // all storage says is "waiting": the state lives in memory
      expect(t.engine.storageFullRuns()).toEqual([
        { runId: id, message: expect.stringMatching(/storage is full/), since: expect.any(Number) },
      ]);
      expect(reports.at(-1)).toEqual([id]);

      // Resuming while the disk is still full says why and keeps the state.
      await expect(t.engine.resume(id)).rejects.toBeInstanceOf(QuotaError);
      expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);

      disk.full = false; // the user freed space
      await t.engine.resume(id);
      expect(t.engine.storageFullRuns()).toEqual([]);
      expect(reports.at(-1)).toEqual([]);
      const run = await t.runToEnd(id);
      expect(run).toMatchObject({ status: 'completed', output: 'ok 2' });
      expect(run.error).toBeUndefined();
      expect([...completions.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      expect([...completions.keys()].filter((k) => !k.includes('/r')).sort()).toEqual(
        ['nap', 'one', 'start', 'two'].map((s) => `${id}:${s}@`),
      );
      expect(asked.filter((k) => k === `${id}:one@`)).toHaveLength(1); // a recorded result is never asked again
    },
  );

  it(
    'a full disk during a step pauses the run with the reason; ' +
      'the paused run resumes in the same engine and records each result once',
    async () => {
      const { disk, hook } = fillableDisk();
      let filled = false;
      const t = createTestEngine({
        hook,
        runners: {
          llm: async (req) => {
            if (req.userPrompt === '2' && !filled) disk.full = filled = true; // the disk fills while step two runs
            return `ok ${req.userPrompt}`;
          },
        },
      });
      const completions = countCompletions(t.data);
      const id = await t.engine.start({
        workflow: chain('q', [llm('one', '1'), llm('two', '2'), llm('three', '3')]),
        input: {},
      });
      await t.quiesce();
      expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);
      disk.full = false;
      await t.quiesce();
      await t.engine.resume(id);
      const run = await t.runToEnd(id);
      expect(run).toMatchObject({ status: 'completed', output: 'ok 3' });
      expect(run.error).toBeUndefined();
      expect([...completions.values()].every((n) => n === 1)).toBe(true);
      expect([...completions.keys()].filter((k) => !k.includes('/r')).sort()).toEqual(
        ['one', 'start', 'three', 'two'].map((s) => `${id}:${s}@`),
      );
    },
  );

  it(
    'when the final write does not fit, ' +
      'the run is paused unfinished (no finish time, no output) and resume finishes it',
    async () => {
      const t = createTestEngine({ runners: { llm: async () => 'last' } });
      const commit = t.store.commit.bind(t.store);
      let refused = false;
      // Only the write that finishes the run is refused; the pause after it fits.
      t.store.commit = async (batch) => {
        if (!refused && batch.runs?.some((r) => r.status === 'completed')) {
          refused = true;
          throw new QuotaError('QuotaExceededError');
        }
        return commit(batch);
      };
      const id = await t.engine.start({ workflow: chain('end', [llm('only', 'x')]), input: {} });
      await t.quiesce();
      expect(refused).toBe(true);
      const paused = t.data.runs.get(id)!;
      expect(paused).toMatchObject({ status: 'paused', error: { category: 'quota' } });
      expect(paused.finishedAt).toBeUndefined();
      expect(paused.output).toBeUndefined();
      await t.engine.resume(id);
      expect(await t.runToEnd(id)).toMatchObject({ status: 'completed', output: 'last' });
    },
  );

  it(
    'a lazily written status that fails on a full disk ' +
      'stops the run at once instead of leaving it silently waiting',
    async () => {
      const { disk, hook } = fillableDisk();
      const t = createTestEngine({ hook, runners: { llm: async () => 'ok' } });
      const id = await t.engine.start({
        workflow: chain('nap', [
          { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 600_000 } },
          llm('after', 'x'),
        ]),
        input: {},
      });
      await t.quiesce();
      disk.full = true;
      await t.engine.pause(id); // a write the driver only queues
      await t.quiesce();
      expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);
      disk.full = false;
      await t.engine.resume(id);
      t.clock.advance(600_000);
      expect(await t.runToEnd(id)).toMatchObject({ status: 'completed' });
    },
  );

  it(
    'at start-up on a full disk, a run that cannot be taken over is reported storage-full, ' +
      'and the other runs still resume',
    async () => {
      const { disk, hook } = fillableDisk();
      const first = createTestEngine({ hook, runners: { llm: async () => 'ok' } });
      const nap = chain('nap', [{ stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 1000 } }]);
      const a = await first.engine.start({ workflow: nap, input: {} });
      const b = await first.engine.start({ workflow: nap, input: {} });
      await first.quiesce();
      first.engine.shutdown();
      let failures = 1; // only the first takeover does not fit
      const reloaded = createTestEngine({
        data: first.data,
        clock: first.clock,
        hook: (operation, phase) => {
          if (operation === 'commit' && phase === 'before' && failures-- > 0)
            throw new QuotaError('QuotaExceededError');
          hook(operation, phase);
        },
      });
      await reloaded.engine.resumeAll();
      expect(reloaded.engine.storageFullRuns().map((r) => r.runId)).toEqual([a]);
      expect(reloaded.engine.isDriving(b)).toBe(true);
      expect(disk.full).toBe(false);
      await reloaded.engine.resume(a);
      expect(await reloaded.runToEnd(a)).toMatchObject({ status: 'completed' });
      expect(await reloaded.runToEnd(b)).toMatchObject({ status: 'completed' });
    },
  );
});
