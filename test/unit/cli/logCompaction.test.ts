import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore, LOG_FILE } from '../../../src/cli/fileStore';
import type { CompactionPoint } from '../../../src/cli/logCompaction';
import type { MemoryData } from '../../../src/engine/memoryStore';
import { DEMO_CUSTOMERS } from '../../../src/templates/demoCustomers';
import { createTestEngine } from '../../support/engine';
import { chain, findThenMarkAtRisk, set } from '../../support/flows';

const tempDir = () => mkdtempSync(join(tmpdir(), 'tabflow-compaction-'));
const lineCount = (dir: string) => readFileSync(join(dir, LOG_FILE), 'utf8').trimEnd().split('\n').length;
/** Never compacts: opens a store to read what it holds. */
const NEVER = { compactAfterLines: Number.MAX_SAFE_INTEGER };

/** Everything a store holds, in key order (a compacted log replays it in another order). */
function contents(data: MemoryData) {
  const sorted = <T>(map: Map<string, T>) => [...map].sort(([a], [b]) => a.localeCompare(b));
  return JSON.parse(
    JSON.stringify({
      runs: sorted(data.runs),
      steps: sorted(data.steps),
      events: sorted(data.events),
      messages: sorted(data.messages),
      definitions: sorted(data.definitions),
      tables: sorted(data.tables).map(([name, rows]) => [name, sorted(rows)]),
    }),
  );
}

/** A store in a new directory with runs of several steps (a table updated, a definition shared): a long log. */
async function filledStore(): Promise<{ dir: string; held: unknown; lines: number }> {
  const dir = tempDir();
  const store = FileStore.open(dir, NEVER);
  store.seedTable('customers', DEMO_CUSTOMERS);
  const t = createTestEngine({ deps: { store } });
  const workflow = chain('three sets', [set('a', { x: 1 }), set('b', { y: 2 }), set('c', { z: 3 })]);
  for (let i = 0; i < 4; i++) await t.engine.awaitRun(await t.engine.start({ workflow, input: { i } }));
  await t.engine.awaitRun(await t.engine.start({ workflow: findThenMarkAtRisk(), input: { value: 'cus_002' } }));
  t.engine.shutdown();
  const held = contents(store.data);
  store.close();
  return { dir, held, lines: lineCount(dir) };
}

describe('FileStore compaction: a long log is rewritten as its snapshot, and a kill never loses it', () => {
  it('compacts a log past the threshold on open: far fewer lines, the same records, runs go on after it', async () => {
    const { dir, held, lines } = await filledStore();
    expect(lines).toBeGreaterThan(10);
    const store = FileStore.open(dir, { compactAfterLines: 10 });
    expect(contents(store.data)).toEqual(held);
    store.close();
    // A line per definition (2), per table (1) and per run (5).
    expect(lineCount(dir)).toBe(8);
    const again = FileStore.open(dir, NEVER);
    expect(contents(again.data)).toEqual(held);
    const t = createTestEngine({ deps: { store: again } });
    const run = await t.engine.awaitRun(
      await t.engine.start({ workflow: chain('one', [set('a', { x: 1 })]), input: {} }),
    );
    expect(run.status).toBe('completed');
    t.engine.shutdown();
    again.close();
    const last = FileStore.open(dir, NEVER);
    expect((await last.loadRun(run.id))?.status).toBe('completed');
    last.close();
  });

  it('leaves a log under the threshold as it is', async () => {
    const { dir, lines } = await filledStore();
    FileStore.open(dir, { compactAfterLines: lines }).close();
    expect(lineCount(dir)).toBe(lines);
  });

  // Each point a kill can hit; what the log is afterwards: the old one until the rename, the snapshot after it.
  const KILL_POINTS: Array<{ point: CompactionPoint; log: 'old' | 'compacted' }> = [
    { point: 'half-written', log: 'old' },
    { point: 'written', log: 'old' },
    { point: 'synced', log: 'old' },
    { point: 'renamed', log: 'compacted' },
  ];

  it.each(KILL_POINTS)(
    'a kill at "$point" leaves a readable store holding everything ($log log)',
    async ({ point, log }) => {
      const { dir, held, lines } = await filledStore();
      const killed = () =>
        FileStore.open(dir, {
          compactAfterLines: 10,
          onPoint: (reached) => {
            if (reached === point) throw new Error(`killed at ${point}`);
          },
        });
      expect(killed).toThrow(`killed at ${point}`);
      expect(lineCount(dir)).toBe(log === 'old' ? lines : 8);
      const reopened = FileStore.open(dir, NEVER);
      expect(contents(reopened.data)).toEqual(held);
      reopened.close();
      // The temporary file of a compaction cut off before its rename is gone; the next open compacts afresh.
      expect(existsSync(join(dir, `${LOG_FILE}.compacting`))).toBe(false);
      const compacted = FileStore.open(dir, { compactAfterLines: 10 });
      expect(contents(compacted.data)).toEqual(held);
      compacted.close();
      expect(lineCount(dir)).toBe(8);
    },
  );

  it('a compacted log still drops a last line torn by a kill, and appends after it', async () => {
    const { dir, held } = await filledStore();
    FileStore.open(dir, { compactAfterLines: 10 }).close();
    const path = join(dir, LOG_FILE);
    const whole = readFileSync(path, 'utf8');
    appendFileSync(path, '{"kind":"commit","batch":{"fences":[],"runs":[{"id":"half');
    const store = FileStore.open(dir, NEVER);
    expect(contents(store.data)).toEqual(held);
    expect(readFileSync(path, 'utf8')).toBe(whole);
    store.seedTable('notes', [{ id: 'n1' }]);
    store.close();
    expect(lineCount(dir)).toBe(9);
  });
});
