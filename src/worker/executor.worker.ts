/// <reference lib="webworker" />
import '../schema/zodJitless';
import * as Comlink from 'comlink';
import { systemClock } from '../engine/clock';
import { Engine } from '../engine/engine';
import type { ModelRunner } from '../engine/llmTypes';
import type { EngineDeps } from '../engine/runtime';
import { defaultProvider, findProvider, resolveWithKey } from '../llm/providers';
import { getDb } from '../store/db';
import { DexieEngineStore } from '../store/engineStore';
import { seedDemoData } from '../store/demoData';
import { findWorkflowByName } from '../store/workflows';
import {
  COMMAND_CHANNEL,
  EXECUTOR_CHANGED_CHANNEL,
  EXECUTOR_LOCK,
  STORAGE_FULL_CHANNEL,
  type CommandName,
  type ExecutorApi,
} from './api';
import { dispatch, engineCommands } from './commands';
import { BatchScheduler } from './batch/scheduler';
import { fetchHttp } from './httpRunner';
import { replayRecordings, replayWorkflows } from './bundleCommands';
import { replayHttp } from './recordedHttp';
import { createRecordedModelRunner } from '../llm/recorded';
import { createStreamBroadcaster } from './streamBroadcast';
import { CommandRelay } from './relay';
import { installErrorTransfer } from './errorTransfer';
import { SecretsService } from './secrets';
import { storedWorkflowSecrets } from './echoedSecrets';
import { withoutEchoedSecrets } from '../engine/echoedSecrets';
import { retentionScheduler } from './storageCommands';
import { WriteHold } from './writeHold';
import { providerKeyName, workflowSecretName } from '../store/keyVault';
import { isHostApproved, readSetting, settingValue, type SettingKey, type SettingValue } from '../store/settings';
import { errorMessage } from '../schema/errorMessage';

const db = getDb();
const writeHold = new WriteHold();
const store = writeHold.wrap(new DexieEngineStore(db));
const secrets = new SecretsService(db);
/** Finished runs the retention setting lets go are deleted here, the executing tab, after runs change. */
const retention = retentionScheduler(db);
/** Replays of runs opened from bundles: their recorded model answers. */
const replays = replayRecordings(db);

/** Sleeps on the system clock; the demo model streams at its pace with it. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return systemClock.sleepUntil(Date.now() + ms, signal);
}

/** A setting read at start-up; a stored value that fails its schema is named in the console, the default used. */
async function startupSetting<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
  const { value, problem } = await readSetting(db, key);
  if (problem) console.warn(`Tabflow: ${problem}`);
  return value;
}

const providerSettings = () => settingValue(db, 'providers');
/** Experiments hear of every run change (a cell's run that waits shows its cell waiting); set once executing. */
let experimentRunChanged: (runId: string) => void = () => undefined;

async function createEngine(): Promise<Engine> {
  // The demo model's pace (tokens/s); a setting so a benchmark or a demo can speed it up.
  const demoTokensPerSecond = await startupSetting('demoTokensPerSecond');
  // A replay's recorded requests are answered from its recording; any other goes out only to a host confirmed here.
  const http = replayHttp(replays, fetchHttp, (hash, host) => isHostApproved(db, hash, host));
  const deps: EngineDeps = {
    store,
    clock: systemClock,
    runners: {
      // An answer echoing a stored secret is journaled with its placeholder, never the value.
      http: withoutEchoedSecrets(http.http, () => storedWorkflowSecrets(secrets)),
      // A replay of a bundle's run is answered from its recording where a request is unchanged.
      model: createRecordedModelRunner(replays.answersFor, lazyModelRunner(demoTokensPerSecond)),
    },
    maxParallelism: await startupSetting('maxParallelism'),
    onStream: createStreamBroadcaster(),
    onChange: (runId) => {
      retention.soon();
      experimentRunChanged(runId);
    },
    keys: {
      // Only a model call that would use a stored key waits for the passphrase.
      // A round a replay's recording answers needs no key.
      blocks: async (provider, key) =>
        !(await replays.recordsRound(key)) && (await secrets.isLocked()) && (await keyNeeded(provider)),
      untilUnlocked: (signal) => secrets.untilUnlocked(signal),
    },
    network: {
      // The offline demo model answers without the network: only steps it would not answer wait.
      neededFor: async (provider, model, key) =>
        !(await replays.recordsRound(key)) && (await modelNeedsNetwork(provider, model)),
      isOnline: () => self.navigator.onLine !== false,
      untilOnline: (signal) =>
        new Promise<void>((resolve, reject) => {
          self.addEventListener('online', () => resolve(), { once: true, signal });
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    },
    secret: (name) => secrets.read(workflowSecretName(name)),
    // A replay's subworkflow steps run the child definitions its bundle carries.
    findWorkflow: replayWorkflows(db, async (name) => (await findWorkflowByName(db, name))?.doc),
    isHostApproved: http.isHostApproved,
    // A replay's recorded http responses and tool results: nothing sent, no table touched.
    recordedOutput: replays.outputOf,
  };
  return new Engine(deps);
}

/** Fetched this long after the worker became the executor, so resuming runs goes first. */
const MODEL_PRELOAD_DELAY_MS = 1_000;

let modelModules: Promise<[typeof import('../llm/modelRunner'), typeof import('../llm/demo')]> | undefined;

/** The AI SDK and the demo model, fetched once; a failed fetch (offline, say) is tried again by the next call. */
function loadModelModules() {
  return (modelModules ??= Promise.all([import('../llm/modelRunner'), import('../llm/demo')]).catch(
    (error: unknown) => {
      modelModules = undefined;
      throw error;
    },
  ));
}

/**
 * The model runner, with the AI SDK and the demo model, is not parsed at start: a worker resuming
 * runs gets to its first step sooner. Its modules are fetched soon after (`becomeExecutor`), so the
 * offline demo model keeps working when the network goes away later.
 */
function lazyModelRunner(demoTokensPerSecond: number | undefined): ModelRunner {
  let loading: Promise<ModelRunner> | undefined;
  const load = async (): Promise<ModelRunner> => {
    const [{ createModelRunner }, { createDemoModel, isDemoModelId }] = await loadModelModules();
    return createModelRunner({
      settings: providerSettings,
      prices: () => settingValue(db, 'modelPrices'),
      key: (providerId) => secrets.read(providerKeyName(providerId)),
      demoModel: (id) =>
        createDemoModel({
          modelId: isDemoModelId(id) ? id : undefined,
          sleep,
          ...(demoTokensPerSecond ? { tokensPerSecond: demoTokensPerSecond } : {}),
        }),
      now: () => Date.now(),
      sleep,
    });
  };
  return async (round, call) => {
    // A failed load (the chunk could not be fetched) is tried again by the next round.
    const runner = await (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
    return runner(round, call);
  };
}

/**
 * Whether a step naming `provider` and `model` is answered by a remote provider, as the model runner resolves it (else
 * by the demo model).
 */
async function modelNeedsNetwork(provider: string | undefined, model: string): Promise<boolean> {
  const stored = async (providerId: string) => ((await secrets.has(providerKeyName(providerId))) ? true : undefined);
  return (await resolveWithKey(await providerSettings(), provider, model, stored)).resolved.kind === 'configured';
}

/** Whether a step naming `provider` would be answered by an entry whose key is stored. */
async function keyNeeded(provider: string | undefined): Promise<boolean> {
  const settings = await providerSettings();
  const named = provider ? findProvider(settings, provider) : undefined;
  const entry = named ?? defaultProvider(settings);
  return entry !== undefined && (await secrets.has(providerKeyName(entry.id)));
}

let commands: ReturnType<typeof engineCommands> | undefined;

/** Runs a command in this (the executing) tab. */
function execute(name: CommandName, args: unknown[]): Promise<unknown> {
  if (!commands) return Promise.reject(new Error('this tab is not executing runs'));
  return dispatch(commands, name, args);
}

const relay = new CommandRelay(COMMAND_CHANNEL, execute);

/** Whoever holds the lock executes; when its tab closes the lock passes to a waiting tab, which resumes every run. */
async function becomeExecutor(): Promise<void> {
  await seedDemoData(db);
  void secrets.sealStoredPlaintext();
  const engine = await createEngine();
  const batches = new BatchScheduler(engine, db);
  experimentRunChanged = (runId) => batches.runChanged(runId);
  commands = engineCommands(engine, db, store, secrets, batches);
  // Every tab hears of runs stopped by a full disk, which storage itself may not be able to say.
  const storageFull = new BroadcastChannel(STORAGE_FULL_CHANNEL);
  engine.watchStorage((runs) => storageFull.postMessage(runs));
  relay.lead();
  retention.soon();
  new BroadcastChannel(EXECUTOR_CHANGED_CHANNEL).postMessage('executor');
  // Resuming runs goes on in the background: commands are taken from this moment.
  engine.resumeAll().catch((error: unknown) => console.error('Tabflow: resuming runs failed:', errorMessage(error)));
  const experimentsFailed = (error: unknown) =>
    console.error('Tabflow: resuming experiments failed:', errorMessage(error));
  batches.resumeAll().catch(experimentsFailed);
  setTimeout(() => void loadModelModules().catch(() => undefined), MODEL_PRELOAD_DELAY_MS);
}

const holdForever = () => new Promise<never>(() => undefined); // the lock is held until this worker ends

/** Queues for the lock: when the executing tab closes, this worker takes over. */
function awaitTakeover(): void {
  void navigator.locks.request(EXECUTOR_LOCK, async () => {
    await becomeExecutor();
    await holdForever();
  });
}

/**
 * Settles at once whether this tab executes: the lock is taken if free, else this worker queues for
 * it. Commands wait for this, so one sent during start-up is never forwarded to nobody.
 */
const roleSettled: Promise<void> =
  typeof navigator !== 'undefined' && navigator.locks
    ? new Promise<void>((settled) => {
        void navigator.locks.request(EXECUTOR_LOCK, { ifAvailable: true }, async (lock) => {
          if (!lock) {
            settled();
            awaitTakeover();
            return;
          }
          await becomeExecutor().finally(settled);
          await holdForever();
        });
      })
    : becomeExecutor();

const call =
  (name: CommandName) =>
  async (...args: unknown[]) => {
    await roleSettled;
    return relay.call(name, args);
  };

const api: ExecutorApi = {
  start: call('start') as ExecutorApi['start'],
  cancel: call('cancel') as ExecutorApi['cancel'],
  pause: call('pause') as ExecutorApi['pause'],
  resume: call('resume') as ExecutorApi['resume'],
  storageFull: call('storageFull') as ExecutorApi['storageFull'],
  sendEvent: call('sendEvent') as ExecutorApi['sendEvent'],
  approve: call('approve') as ExecutorApi['approve'],
  confirmHost: call('confirmHost') as ExecutorApi['confirmHost'],
  answerBudget: call('answerBudget') as ExecutorApi['answerBudget'],
  restartFrom: call('restartFrom') as ExecutorApi['restartFrom'],
  fork: call('fork') as ExecutorApi['fork'],
  saveSecret: call('saveSecret') as ExecutorApi['saveSecret'],
  keysState: call('keysState') as ExecutorApi['keysState'],
  setPassphrase: call('setPassphrase') as ExecutorApi['setPassphrase'],
  unlockKeys: call('unlockKeys') as ExecutorApi['unlockKeys'],
  removePassphrase: call('removePassphrase') as ExecutorApi['removePassphrase'],
  forgetAllKeys: call('forgetAllKeys') as ExecutorApi['forgetAllKeys'],
  testProvider: call('testProvider') as ExecutorApi['testProvider'],
  applySettings: call('applySettings') as ExecutorApi['applySettings'],
  previewBackup: call('previewBackup') as ExecutorApi['previewBackup'],
  restoreBackup: call('restoreBackup') as ExecutorApi['restoreBackup'],
  clearAllData: call('clearAllData') as ExecutorApi['clearAllData'],
  applyRetention: call('applyRetention') as ExecutorApi['applyRetention'],
  exportRunBundle: call('exportRunBundle') as ExecutorApi['exportRunBundle'],
  replayRun: call('replayRun') as ExecutorApi['replayRun'],
  startExperiment: call('startExperiment') as ExecutorApi['startExperiment'],
  pauseExperiment: call('pauseExperiment') as ExecutorApi['pauseExperiment'],
  resumeExperiment: call('resumeExperiment') as ExecutorApi['resumeExperiment'],
  cancelExperiment: call('cancelExperiment') as ExecutorApi['cancelExperiment'],
  retryFailedCells: call('retryFailedCells') as ExecutorApi['retryFailedCells'],
  role: async () => {
    await roleSettled;
    return relay.isLeader ? 'executor' : 'follower';
  },
  holdWritesForReload: () => writeHold.hold(),
};

installErrorTransfer();
Comlink.expose(api);
