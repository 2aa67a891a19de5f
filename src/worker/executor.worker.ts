/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { systemClock } from '../engine/clock';
import { Engine } from '../engine/engine';
import type { EngineDeps } from '../engine/runtime';
import { demoAnswer } from '../llm/demoModel';
import { getDb } from '../store/db';
import { DexieEngineStore } from '../store/engineStore';
import { findWorkflowByName, getWorkflow } from '../store/workflows';
import { COMMAND_CHANNEL, EXECUTOR_LOCK, type CommandName, type ExecutorApi } from './api';
import { fetchHttp } from './httpRunner';
import { CommandRelay } from './relay';

const db = getDb();
const store = new DexieEngineStore(db);

const hostKey = (hash: string, host: string) => `hostApproval:${hash}:${host}`;

async function setting<T>(key: string, fallback: T): Promise<T> {
  const record = await db.settings.get(key);
  return (record?.value as T | undefined) ?? fallback;
}

async function createEngine(): Promise<Engine> {
  const deps: EngineDeps = {
    store,
    clock: systemClock,
    runners: {
      http: fetchHttp,
      llm: async (request) => demoAnswer(request),
    },
    maxParallelism: await setting('maxParallelism', 4),
    secret: async (name) => (await db.secrets.get(name))?.value,
    findWorkflow: async (name) => (await findWorkflowByName(db, name))?.doc,
    isHostApproved: async (hash, host) => (await db.settings.get(hostKey(hash, host)))?.value === true,
  };
  return new Engine(deps);
}

let engine: Engine | undefined;

/** Runs a command in this (the executing) tab. */
async function execute(name: CommandName, args: unknown[]): Promise<unknown> {
  if (!engine) throw new Error('this tab is not executing runs');
  const [a, b, c, d] = args as [never, never, never, never];
  switch (name) {
    case 'start': {
      const { workflowId, input, mode } = a as { workflowId: string; input: unknown; mode?: 'durable' | 'direct' };
      const record = await getWorkflow(db, workflowId);
      if (!record || record.deletedAt !== undefined) throw new Error('that workflow no longer exists');
      return engine.start({ workflow: record.doc, workflowId, input, mode: mode ?? 'durable' });
    }
    case 'cancel': return engine.cancel(a);
    case 'pause': return engine.pause(a);
    case 'resume': return engine.resume(a);
    case 'sendEvent': return engine.sendEvent(a, b, c);
    case 'approve': return engine.approve(a, b, c, d);
    case 'restartFrom': return engine.restartFrom(a, b);
    case 'fork': return engine.fork(a, b, c);
    case 'confirmHost': {
      const run = await store.loadRun(a);
      if (!run) throw new Error('no such run');
      if (c) await db.settings.put({ key: hostKey(run.workflowHash, b), value: true });
      return engine.sendEvent(a, `confirm-host:${b}`, { approved: c === true });
    }
  }
}

const relay = new CommandRelay(COMMAND_CHANNEL, execute);

/** Whoever holds the lock executes; when its tab closes the lock passes to a waiting tab, which resumes every run. */
async function becomeExecutor(): Promise<void> {
  engine = await createEngine();
  relay.lead();
  await engine.resumeAll();
}

if (typeof navigator !== 'undefined' && navigator.locks) {
  void navigator.locks.request(EXECUTOR_LOCK, async () => {
    await becomeExecutor();
    await new Promise<never>(() => undefined); // held until this worker ends
  });
} else {
  void becomeExecutor();
}

const call = (name: CommandName) => (...args: unknown[]) => relay.call(name, args);

const api: ExecutorApi = {
  start: call('start') as ExecutorApi['start'],
  cancel: call('cancel') as ExecutorApi['cancel'],
  pause: call('pause') as ExecutorApi['pause'],
  resume: call('resume') as ExecutorApi['resume'],
  sendEvent: call('sendEvent') as ExecutorApi['sendEvent'],
  approve: call('approve') as ExecutorApi['approve'],
  confirmHost: call('confirmHost') as ExecutorApi['confirmHost'],
  restartFrom: call('restartFrom') as ExecutorApi['restartFrom'],
  fork: call('fork') as ExecutorApi['fork'],
  role: async () => (relay.isLeader ? 'executor' : 'follower'),
};

Comlink.expose(api);
