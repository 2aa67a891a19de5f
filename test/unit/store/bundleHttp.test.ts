import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../../src/engine/runtime';
import { checkRunBundleForImport } from '../../../src/store/bundleCheck';
import { exportRunBundle, importRunBundle } from '../../../src/store/bundles';
import { createWorkflow } from '../../../src/store/workflows';
import { bundleBrowser, countingModel, openedBundleDbs } from '../../support/bundles';
import { chain, http, llm } from '../../support/flows';

/** A replay's http steps: recorded requests are answered from the recording; no other goes out unconfirmed. */

afterEach(async () => {
  await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
});

const notes = (draftPrompt = 'Write about {{input.value}}') =>
  chain(
    'Notes',
    [
      llm('draft', draftPrompt),
      http('post', 'https://api.example.com/notes', { body: { text: '{{steps.draft.output}}' } }),
    ],
    { allowedHosts: ['api.example.com'] },
  );

function countingHttp() {
  const sent: HttpRequest[] = [];
  const runner = async (request: HttpRequest): Promise<HttpResponse> => {
    sent.push(request);
    return { status: 201, statusText: 'Created', headers: { 'content-type': 'application/json' }, body: { id: 7 } };
  };
  return { runner, sent };
}

async function recordedAndOpened() {
  const source = bundleBrowser(countingModel('live').runner, true, {
    http: countingHttp().runner,
    approved: () => true,
  });
  const saved = await createWorkflow(source.db, notes());
  const runId = await source.engine.start({ workflow: saved.doc, workflowId: saved.id, input: { value: 'otters' } });
  const run = await source.engine.awaitRun(runId);
  expect(run.error?.message ?? run.status).toBe('completed');
  const bundle = await exportRunBundle(source.db, runId);
  const checked = checkRunBundleForImport(JSON.stringify(bundle));
  if (!checked.ok) throw new Error(checked.problem.message);
  const live = countingHttp();
  const target = bundleBrowser(countingModel('demo').runner, true, { http: live.runner });
  const { run: imported } = await importRunBundle(target.db, checked.bundle);
  return { bundle, run, target, imported, live };
}

describe('http in a replay', () => {
  it('a recorded request is answered from the recording: no confirmation asked, nothing sent', async () => {
    const { bundle, run, target, imported, live } = await recordedAndOpened();
    expect(bundle.recording.http).toEqual([expect.objectContaining({ host: 'api.example.com' })]);
    const definition = (await target.db.definitions.get(imported.workflowHash))!.definition;
    const replayId = await target.engine.start({ workflow: definition, input: imported.input, replayOf: imported.id });
    const replay = await target.engine.awaitRun(replayId);
    expect(replay.output).toEqual(run.output);
    expect(live.sent).toEqual([]);
  });

  it('the workflow run here (not a replay) waits for the host confirmation an imported workflow needs', async () => {
    const { target, imported, live } = await recordedAndOpened();
    const definition = (await target.db.definitions.get(imported.workflowHash))!.definition;
    const runId = await target.engine.start({ workflow: definition, input: imported.input });
    for (let i = 0; i < 200 && (await target.db.runs.get(runId))?.status !== 'waiting'; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await target.db.runs.get(runId))?.waits).toEqual([
      expect.objectContaining({ kind: 'host', host: 'api.example.com' }),
    ]);
    expect(live.sent).toEqual([]);
    await target.engine.cancel(runId);
  });

  it('a replay whose request changed (an edited prompt upstream) sends nothing to an unconfirmed host', async () => {
    const { target, imported, live } = await recordedAndOpened();
    const edited = notes('Write a poem about {{input.value}}');
    const replayId = await target.engine.start({ workflow: edited, input: imported.input, replayOf: imported.id });
    const replay = await target.engine.awaitRun(replayId);
    expect(replay.status).toBe('failed');
    expect(replay.error?.message).toMatch(/not the one the recording made, and api.example.com was not confirmed/);
    expect(live.sent).toEqual([]);
  });
});
