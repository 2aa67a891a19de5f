import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/engine/records';
import { exportRunBundle, importRunBundle } from '../../src/store/bundles';
import { StepRow } from '../../src/ui/runs/StepRow';
import { StepInspector } from '../../src/ui/stepview/StepInspector';
import { bundleBrowser, countingModel, openedBundleDbs, recordedRun } from '../support/bundles';
import { renderWithExecutor } from './helpers';

/**
 * A replay answers its steps from the recording in no time: "took" shows the time each step took when it was
 * recorded, marked "(recorded)", and a step the replay ran live (an edited prompt) keeps its own time.
 */

afterEach(async () => {
  await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
});

/** The story run recorded, opened in another browser with its steps' recorded times set, and replayed there. */
async function replayed(editPolish: boolean) {
  const { source, runId } = await recordedRun();
  const bundle = await exportRunBundle(source.db, runId);
  const live = countingModel('edited');
  const target = bundleBrowser(live.runner);
  const { run: imported } = await importRunBundle(target.db, bundle);
  // The recording's times (the test's recording ran on a fake clock): 1.3 s to draft, 2.5 s to polish.
  await target.db.steps.update(`${imported.id}:draft@`, { startedAt: 1_000, endedAt: 2_300 });
  await target.db.steps.update(`${imported.id}:polish@`, { startedAt: 2_300, endedAt: 4_800 });
  const definition = structuredClone((await target.db.definitions.get(imported.workflowHash))!.definition);
  if (editPolish) {
    const polish = definition.stepsConfig.find((step) => step.stepSlug === 'polish')!;
    (polish.config as { llmNode: { userPrompt: string } }).llmNode.userPrompt = 'Shorter: {{steps.draft.output}}';
  }
  const replayId = await target.engine.start({ workflow: definition, input: imported.input, replayOf: imported.id });
  const replay = await target.engine.awaitRun(replayId);
  expect(replay.error?.message ?? replay.status).toBe('completed');
  const step = async (slug: string) => (await target.db.steps.get(`${replayId}:${slug}@`)) as StepRecord;
  return { db: target.db, replay, draft: await step('draft'), polish: await step('polish'), live };
}

function rows(replay: RunRecord, steps: StepRecord[]) {
  return (
    <ul>
      {steps.map((step) => (
        <StepRow key={step.key} run={replay} step={step} onError={(e) => void e} />
      ))}
    </ul>
  );
}

describe('a replay’s step durations', () => {
  it('show the recorded time of each step answered from the recording, marked as recorded', async () => {
    const { db, replay, draft, polish } = await replayed(false);
    // The replay itself answered both at once.
    expect(draft.endedAt! - draft.startedAt).toBeLessThan(1_000);
    renderWithExecutor(db, {}, rows(replay, [draft, polish]));
    const [draftRow, polishRow] = screen.getAllByRole('listitem');
    expect(await within(draftRow!).findByText('1.3 s (recorded)')).toBeTruthy();
    expect(await within(polishRow!).findByText('2.5 s (recorded)')).toBeTruthy();
    expect(within(draftRow!).getByText('1.3 s (recorded)').getAttribute('title')).toMatch(
      /^Answered from the recording/,
    );
    expect(screen.queryByText(/took 0 ms/)).toBeNull();
  });

  it('a step run live (its prompt edited) keeps its own time', async () => {
    const { db, replay, draft, polish, live } = await replayed(true);
    expect(live.calls).toEqual(['polish@']);
    renderWithExecutor(db, {}, rows(replay, [draft, polish]));
    const [draftRow, polishRow] = screen.getAllByRole('listitem');
    await within(draftRow!).findByText('1.3 s (recorded)');
    const own = `took ${Math.round(polish.endedAt! - polish.startedAt)} ms`;
    expect(await within(polishRow!).findByText(own, { exact: false })).toBeTruthy();
    expect(within(polishRow!).queryByText(/recorded/)).toBeNull();
  });

  it('the step inspector says the same', async () => {
    const { db, replay, draft } = await replayed(false);
    renderWithExecutor(db, {}, <StepInspector run={replay} step={draft} effects={[]} inside={[]} onError={() => {}} />);
    const inspector = screen.getByTestId('step-inspector');
    expect(await within(inspector).findByText('1.3 s (recorded)')).toBeTruthy();
    expect(within(inspector).queryByText(/took 0 ms/)).toBeNull();
  });
});
