import type { Engine } from '../engine/engine';
import { normalizeAllowedHost } from '../schema/hosts';
import type { EngineStore } from '../engine/store';
import type { TabflowDb } from '../store/db';
import { getWorkflow } from '../store/workflows';
import { editorStartOptions } from '../store/pins';
import { storageCommands } from './storageCommands';
import { bundleCommands } from './bundleCommands';
import { providerKeyName } from '../store/keyVault';
import { approveHost, settingValue } from '../store/settings';
import { checkProvider } from './providerCheck';
import type { SecretsService } from './secrets';
import { BatchScheduler } from './batch/scheduler';
import { experimentCommands } from './batch/commands';

import type { CommandName, ExecutorApi, LocalQuery } from './api';

type Commands = Omit<ExecutorApi, LocalQuery>;

/** The executor's commands over an engine: what the executing tab runs, whoever asked. */
export function engineCommands(
  engine: Engine,
  db: TabflowDb,
  store: EngineStore,
  secrets: SecretsService,
  batches = new BatchScheduler(engine, db),
): Commands {
  return {
    ...experimentCommands(batches),
    saveSecret: (name, value) => secrets.save(name, value),
    keysState: () => secrets.state(),
    setPassphrase: (passphrase) => secrets.setPassphrase(passphrase),
    unlockKeys: (passphrase) => secrets.unlock(passphrase),
    removePassphrase: () => secrets.removePassphrase(),
    forgetAllKeys: () => secrets.forgetAll(),
    async testProvider(providerId) {
      return checkProvider(
        await settingValue(db, 'providers'),
        providerId,
        await secrets.read(providerKeyName(providerId)),
      );
    },
    async applySettings() {
      engine.slots.setCapacity(await settingValue(db, 'maxParallelism'));
    },
    async start({ workflowId, input, mode, budget, editor }) {
      const record = await getWorkflow(db, workflowId);
      if (!record || record.deletedAt !== undefined) throw new Error('that workflow no longer exists');
      // Pins and partial runs only when the editor asked: a relayed or programmatic start never gets them.
      const fromEditor = editor ? await editorStartOptions(db, record, editor, input) : { input };
      return engine.start({ workflow: record.doc, workflowId, mode: mode ?? 'durable', budget, ...fromEditor });
    },
    ...storageCommands(engine, db, Date.now, batches),
    ...bundleCommands(engine, db, secrets),
    cancel: (runId) => engine.cancel(runId),
    pause: (runId) => engine.pause(runId),
    resume: (runId) => engine.resume(runId),
    storageFull: async () => engine.storageFullRuns(),
    sendEvent: (runId, name, payload, note) => engine.sendEvent(runId, name, payload, note),
    approve: (runId, stepKey, approved, note) => engine.approve(runId, stepKey, approved, note),
    async restartFrom(runId, stepKey) {
      // A run opened from a bundle is read-only: Replay re-runs it as a new run.
      const imported = (await store.loadRun(runId))?.importedFrom !== undefined;
      if (imported) throw new Error('a run opened from a bundle is read-only: replay it');
      return engine.restartFrom(runId, stepKey);
    },
    fork: (runId, stepKey, output) => engine.fork(runId, stepKey, output),
    answerBudget: (runId, stepKey, decision, note) => engine.answerBudget(runId, stepKey, decision, note),
    async confirmHost(runId, host, approved, note) {
      const run = await store.loadRun(runId);
      if (!run) throw new Error('no such run');
      // The approval and the event name the host in the one normal form the step waits under.
      const normal = normalizeAllowedHost(host);
      if (normal === undefined || normal.startsWith('*.')) throw new Error(`"${host}" is not a host`);
      if (approved) await approveHost(db, run.workflowHash, normal);
      await engine.confirmHost(runId, normal, approved, note);
    },
  };
}

/** Calls a command by name with positional arguments (as the relay carries them). */
export function dispatch(commands: Commands, name: CommandName, args: unknown[]): Promise<unknown> {
  const command = commands[name] as (...a: unknown[]) => Promise<unknown>;
  return command(...args);
}
