import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import { applyRetention, expiredRuns, type RunSummary } from '../../../src/store/retention';
import { writeSetting } from '../../../src/store/settings';
import { aRun, aStep } from './fixtures';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 100 * DAY;

const dbs: TabflowDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => Dexie.delete(db.name)));
});

function run(id: string, daysAgo: number, overrides: Partial<RunSummary> = {}): RunSummary {
  return { id, status: 'completed', createdAt: NOW - daysAgo * DAY, workflowId: 'w1', workflowName: 'w', ...overrides };
}

describe('which runs retention lets go', () => {
  const runs = [
    run('new', 0),
    run('mid', 2),
    run('old', 10),
    run('older', 20, { status: 'waiting' }),
    run('oldest', 30),
    run('child', 30, { parentRunId: 'oldest' }),
    run('other', 40, { workflowId: 'w2' }),
  ];

  it('is off by default: nothing goes', () => {
    expect(expiredRuns(runs, {}, NOW)).toEqual([]);
  });

  it('keeps the last N of each workflow; an unfinished run counts but is never let go', () => {
    expect(expiredRuns(runs, { keepLastRuns: 2 }, NOW).sort()).toEqual(['old', 'oldest']);
    expect(expiredRuns(runs, { keepLastRuns: 1 }, NOW).sort()).toEqual(['mid', 'old', 'oldest']);
  });

  it('keeps runs younger than D days; with both rules, a run either keeps stays', () => {
    expect(expiredRuns(runs, { keepDays: 15 }, NOW).sort()).toEqual(['oldest', 'other']);
    // 'other' is its workflow's last run.
    expect(expiredRuns(runs, { keepDays: 5, keepLastRuns: 3 }, NOW)).toEqual(['oldest']);
  });
});

describe('applying retention', () => {
  it('deletes what the stored policy lets go with its journal and child runs, never a live run', async () => {
    const db = new TabflowDb(`retention-${crypto.randomUUID()}`);
    dbs.push(db);
    await db.runs.bulkPut([
      aRun('keep', { status: 'completed', workflowId: 'w1', createdAt: NOW }),
      aRun('drop', { status: 'completed', workflowId: 'w1', createdAt: NOW - 50 * DAY }),
      aRun('drop-child', { status: 'completed', parentRunId: 'drop', depth: 1, createdAt: NOW - 50 * DAY }),
      aRun('live', { status: 'running', workflowId: 'w1', createdAt: NOW - 60 * DAY }),
      aRun('has-live-child', { status: 'completed', workflowId: 'w1', createdAt: NOW - 70 * DAY }),
      aRun('live-child', { status: 'waiting', parentRunId: 'has-live-child', depth: 1, createdAt: NOW - 70 * DAY }),
    ]);
    await db.steps.bulkPut([aStep('drop', 'a', 0), aStep('drop-child', 'a', 0), aStep('keep', 'a', 0)]);
    expect(await applyRetention(db, NOW)).toEqual({ deletedRuns: 0, kept: 0 }); // off
    await writeSetting(db, 'retention', { keepLastRuns: 1 });
    expect(await applyRetention(db, NOW)).toEqual({ deletedRuns: 2, kept: 1 });
    expect((await db.runs.toArray()).map((r) => r.id).sort()).toEqual(['has-live-child', 'keep', 'live', 'live-child']);
    expect((await db.steps.toArray()).map((s) => s.runId)).toEqual(['keep']);
  });
});
