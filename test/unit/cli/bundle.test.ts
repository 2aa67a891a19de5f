import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { exportRunBundle } from '../../../src/store/bundles';
import { failedRunBundle, openedBundleDbs, recordedRun } from '../../support/bundles';
import { FAST_DEMO, jsonFile, tabflow, tempDir } from './harness';

afterAll(async () => {
  await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
});

describe('tabflow run bundle.json: a run exported from the tab continues from its last finished step', () => {
  it('a failed run: the finished steps replay their recorded results, the failed one runs again here', async () => {
    const { bundle, runId } = await failedRunBundle();
    const file = jsonFile(bundle, 'bundle.json');
    const result = await tabflow(['run', file, ...FAST_DEMO, '--json']);
    expect(result.code, result.stdout).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ type: 'note', message: expect.stringContaining(`run ${runId}`) });
    expect(lines.find((l) => l.type === 'run')).toMatchObject({ status: 'resumed', runId });
    // The draft's answer came from the tab's provider and is not asked again; only the polish ran, on the demo model.
    expect(lines.filter((l) => l.type === 'step').map((l) => l.step)).toEqual(['polish']);
    const finished = lines.at(-1);
    expect(finished).toMatchObject({ type: 'finished', status: 'completed', runId });
    expect(typeof finished.output).toBe('string');
  });

  it('a file store keeps the continued run: the same bundle again prints its result, running nothing', async () => {
    const { bundle } = await failedRunBundle();
    const file = jsonFile(bundle, 'bundle.json');
    const store = ['--store', `file:${tempDir()}`];
    const first = await tabflow(['run', file, ...store, ...FAST_DEMO]);
    expect(first.code, first.stderr).toBe(0);
    const again = await tabflow(['run', file, ...store, ...FAST_DEMO]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr).not.toMatch(/✓ /);
  });

  it('a completed run has nothing left to run: its recorded output is printed', async () => {
    const { source, runId, run } = await recordedRun();
    const file = jsonFile(await exportRunBundle(source.db, runId), 'bundle.json');
    const result = await tabflow(['run', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('had completed: nothing to run');
    expect(result.stdout).toBe(`${run.output}\n`);
  });

  it('a bundle carries its own input: --input is refused', async () => {
    const { bundle } = await failedRunBundle();
    const result = await tabflow(['run', jsonFile(bundle, 'bundle.json'), '--input', '{}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a run bundle carries its own input: drop --input');
  });
});
