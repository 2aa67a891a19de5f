import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunBundle } from '../../../src/schema/runBundle';
import { checkRunBundleForImport } from '../../../src/store/bundleCheck';
import { exportRunBundle, importRunBundle } from '../../../src/store/bundles';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { bundleCommands } from '../../../src/worker/bundleCommands';
import { engineCommands } from '../../../src/worker/commands';
import { SecretsService } from '../../../src/worker/secrets';
import { chain, llm } from '../../support/flows';
import {
  bundleBrowser as browser,
  countingModel,
  openedBundleDbs as opened,
  recordedRun,
  storyWorkflow as twoSteps,
} from '../../support/bundles';

/** Run bundles end to end over IndexedDB: run, export, open elsewhere, replay from the recording, replay an edit. */

/** Polls a condition over real IndexedDB work. */
async function until(condition: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

async function opensElsewhere(bundle: RunBundle, online = true) {
  const checked = checkRunBundleForImport(JSON.stringify(bundle));
  if (!checked.ok) throw new Error(checked.problem.message);
  const live = countingModel('demo');
  const target = browser(live.runner, online);
  const imported = await importRunBundle(target.db, checked.bundle);
  return { target, imported, live };
}

describe('run bundles', () => {
  it("the recording's fingerprints are those of the requests the model was actually sent", async () => {
    const { source, runId, live } = await recordedRun();
    const bundle = await exportRunBundle(source.db, runId);
    expect(bundle.recording.rounds.map((r) => r.request)).toEqual(live.fingerprints);
    expect(bundle.recording.rounds).toHaveLength(2);
  });

  it('round-trips: export, check, import shows the same run, read-only and marked imported', async () => {
    const { source, runId, run } = await recordedRun();
    const bundle = await exportRunBundle(source.db, runId);
    const checked = checkRunBundleForImport(JSON.stringify(bundle));
    expect(checked).toEqual({ ok: true, bundle: JSON.parse(JSON.stringify(bundle)) });
    const { target, imported } = await opensElsewhere(bundle);
    expect(imported.run.id).not.toBe(runId);
    expect(imported.run).toMatchObject({ status: 'completed', output: run.output, importedFrom: expect.any(Object) });
    const steps = await target.db.steps
      .where('runId')
      .equals(imported.run.id)
      .count()
      .catch(() => undefined);
    const journal = await new DexieEngineStore(target.db).loadSteps(imported.run.id);
    expect(steps ?? journal.length).toBe(bundle.steps.length);
    expect(journal.map((s) => [s.slug, s.kind, s.output])).toEqual(
      bundle.steps.map((s) => [s.slug, s.kind, (s as { output?: unknown }).output]),
    );
    expect(imported.workflow.doc.workflowConfig.name).toBe('Story');
    // Exported again from where it was opened, it carries the same recording.
    const again = await exportRunBundle(target.db, imported.run.id);
    const requests = (b: RunBundle) => b.recording.rounds.map((r) => r.request);
    expect(requests(again)).toEqual(requests(bundle));
    expect(again.steps.map((s) => s.output)).toEqual(bundle.steps.map((s) => s.output));
  });

  it('a replay reaches the same output with no live model call at all', async () => {
    const { source, runId, run } = await recordedRun();
    const { target, imported, live } = await opensElsewhere(await exportRunBundle(source.db, runId));
    const definition = (await target.db.definitions.get(imported.run.workflowHash))!.definition;
    const replayId = await target.engine.start({
      workflow: definition,
      input: imported.run.input,
      replayOf: imported.run.id,
    });
    const replay = await target.engine.awaitRun(replayId);
    expect(replay.output).toEqual(run.output);
    expect(live.calls).toEqual([]);
  });

  it('an edited prompt: that step and the one reading it run live, the one before is recorded', async () => {
    const { source, runId } = await recordedRun();
    const { target, imported, live } = await opensElsewhere(await exportRunBundle(source.db, runId));
    const edited = chain('Story', [
      llm('draft', 'Write a poem about {{input.value}}', { systemPrompt: 'You write briefly.', temperature: 0.2 }),
      llm('polish', 'Polish: {{steps.draft.output}}'),
    ]);
    const replayId = await target.engine.start({
      workflow: edited,
      input: imported.run.input,
      replayOf: imported.run.id,
    });
    await target.engine.awaitRun(replayId);
    expect(live.calls.map((key) => key.split('@')[0])).toEqual(['draft', 'polish']);

    const editedLast = twoSteps('Shorten: {{steps.draft.output}}');
    const secondId = await target.engine.start({
      workflow: editedLast,
      input: imported.run.input,
      replayOf: imported.run.id,
    });
    const second = await target.engine.awaitRun(secondId);
    expect(live.calls.map((key) => key.split('@')[0])).toEqual(['draft', 'polish', 'polish']);
    const draft = (await new DexieEngineStore(target.db).loadSteps(secondId)).find((s) => s.slug === 'draft')!;
    expect(draft.meta).toMatchObject({ provider: 'recorded' });
    expect(second.output).toContain('demo(Shorten: live(Write about otters))');
  });

  it('a run opened from a bundle is read-only: a restart is refused, a replay runs it again', async () => {
    const { source, runId } = await recordedRun();
    const { target, imported } = await opensElsewhere(await exportRunBundle(source.db, runId));
    const store = new DexieEngineStore(target.db);
    const commands = engineCommands(target.engine, target.db, store, new SecretsService(target.db));
    const [first] = await store.loadSteps(imported.run.id);
    await expect(commands.restartFrom(imported.run.id, first!.key)).rejects.toThrow(/read-only: replay it/);
    expect((await store.loadRun(imported.run.id))?.generation).toBe(imported.run.generation);
    const replayId = await commands.replayRun(imported.run.id);
    expect((await target.engine.awaitRun(replayId)).output).toEqual(imported.run.output);
  });

  it('offline, a replay goes ahead on its recorded rounds; a live run waits for the network', async () => {
    const { source, runId, run } = await recordedRun();
    const { target, imported, live } = await opensElsewhere(await exportRunBundle(source.db, runId), false);
    const definition = (await target.db.definitions.get(imported.run.workflowHash))!.definition;
    const input = imported.run.input;
    const replayId = await target.engine.start({ workflow: definition, input, replayOf: imported.run.id });
    expect((await target.engine.awaitRun(replayId)).output).toEqual(run.output);
    const liveId = await target.engine.start({ workflow: definition, input });
    await until(async () => (await target.db.runs.get(liveId))?.waits?.some((w) => w.kind === 'network') === true);
    expect(live.calls).toEqual([]);
    await target.engine.cancel(liveId);
  });

  it('a run that is not a replay never gets a recorded answer, even for the very same request', async () => {
    const { source, runId } = await recordedRun();
    const { target, imported, live } = await opensElsewhere(await exportRunBundle(source.db, runId));
    const definition = (await target.db.definitions.get(imported.run.workflowHash))!.definition;
    await target.engine.awaitRun(await target.engine.start({ workflow: definition, input: imported.run.input }));
    expect(live.calls).toHaveLength(2);
  });

  it('the exported bytes hold no API key, no secret value and no sealed form of either', async () => {
    const { source, runId } = await recordedRun();
    const secrets = new SecretsService(source.db);
    const key = 'sk-test-bundle-key-0123456789abcdef';
    const secret = 'hunter2-bundle-secret-value';
    await secrets.save('provider:openai', key);
    await secrets.save('secret:API_TOKEN', secret);
    const text = await bundleCommands(source.engine, source.db, secrets).exportRunBundle(runId);
    const sealed = (await source.db.secrets.toArray()).flatMap((r) =>
      'sealed' in r ? [r.sealed.data, r.sealed.iv] : [],
    );
    for (const needle of [key, secret, ...sealed]) expect(text.includes(needle)).toBe(false);
    expect(JSON.parse(text)).toMatchObject({ format: 'tabflow-run-bundle', runId });
  });

  it('refuses to export a run whose records came to hold a stored secret value', async () => {
    const secret = 'hunter2-bundle-secret-value';
    const { source, runId } = await recordedRun(` (token ${secret})`);
    const secrets = new SecretsService(source.db);
    await secrets.save('secret:API_TOKEN', secret);
    await expect(bundleCommands(source.engine, source.db, secrets).exportRunBundle(runId)).rejects.toThrow(
      /the stored secret "secret:API_TOKEN": it was not exported/,
    );
  });
});
