import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { checkRunBundleForImport } from '../../../src/store/bundleCheck';
import { exportRunBundle, importRunBundle } from '../../../src/store/bundles';
import { createWorkflow } from '../../../src/store/workflows';
import { bundleBrowser, countingModel, openedBundleDbs } from '../../support/bundles';
import { chain, llm } from '../../support/flows';

/** A replay's subworkflow steps run the child definitions the bundle carries, whatever the library holds. */

afterEach(async () => {
  await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
});

const child = (prompt: string) => chain('Child', [llm('shout', prompt)]);
const grandchildParent = () =>
  chain('Child', [
    llm('shout', 'Shout {{input.value}}'),
    { stepSlug: 'deeper', name: 'deeper', stepType: 'subworkflow', config: { workflow: 'Leaf', input: {} } },
  ]);
const parent = (): WorkflowFile =>
  chain('Parent', [
    llm('draft', 'Write about {{input.value}}'),
    {
      stepSlug: 'sub',
      name: 'sub',
      stepType: 'subworkflow',
      config: { workflow: 'Child', input: { value: '{{steps.draft.output}}' } },
    },
  ]);

async function recorded(library: Record<string, WorkflowFile>) {
  const live = countingModel('live');
  const source = bundleBrowser(live.runner, true, { library });
  const saved = await createWorkflow(source.db, parent());
  const runId = await source.engine.start({ workflow: saved.doc, workflowId: saved.id, input: { value: 'otters' } });
  const run = await source.engine.awaitRun(runId);
  expect(run.error?.message ?? run.status).toBe('completed');
  const checked = checkRunBundleForImport(JSON.stringify(await exportRunBundle(source.db, runId)));
  if (!checked.ok) throw new Error(checked.problem.message);
  return { run, bundle: checked.bundle };
}

async function replayedElsewhere(bundle: Awaited<ReturnType<typeof recorded>>['bundle'], library = {}) {
  const demo = countingModel('demo');
  const target = bundleBrowser(demo.runner, false, { library });
  const { run: imported } = await importRunBundle(target.db, bundle);
  const definition = (await target.db.definitions.get(imported.workflowHash))!.definition;
  const replayId = await target.engine.start({ workflow: definition, input: imported.input, replayOf: imported.id });
  return { replay: await target.engine.awaitRun(replayId), demo };
}

describe('subworkflows in a replay', () => {
  it('reach the same output where the library has no workflow of that name', async () => {
    const { run, bundle } = await recorded({ Child: child('Shout {{input.value}}') });
    const { replay, demo } = await replayedElsewhere(bundle);
    expect(replay.error?.message ?? replay.status).toBe('completed');
    expect(replay.output).toEqual(run.output);
    expect(demo.calls).toEqual([]);
  });

  it("run the bundle's child, not the library's different workflow of the same name", async () => {
    const { run, bundle } = await recorded({ Child: child('Shout {{input.value}}') });
    const { replay, demo } = await replayedElsewhere(bundle, { Child: child('Whisper {{input.value}}') });
    expect(replay.output).toEqual(run.output);
    expect(demo.calls).toEqual([]);
  });

  it("nested two deep, each level's child comes from the bundle", async () => {
    const leaf = chain('Leaf', [llm('note', 'Note {{input.value}}')]);
    const { run, bundle } = await recorded({ Child: grandchildParent(), Leaf: leaf });
    const { replay, demo } = await replayedElsewhere(bundle, { Leaf: chain('Leaf', [llm('note', 'Other')]) });
    expect(replay.error?.message ?? replay.status).toBe('completed');
    expect(replay.output).toEqual(run.output);
    expect(demo.calls).toEqual([]);
  });
});
