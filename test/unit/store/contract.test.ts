import 'fake-indexeddb/auto';
import { afterEach, describe } from 'vitest';
import { MemoryData, MemoryStore } from '../../../src/engine/memoryStore';
import type { EventRecord, RunRecord, StepRecord, UnreadableRecordError } from '../../../src/engine/records';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { engineStoreContract } from './contract';
import { unreadableRecordContract } from './unreadableContract';

describe('MemoryStore (the reference)', () => {
  engineStoreContract(() => new MemoryStore());
  unreadableRecordContract(() => {
    const data = new MemoryData();
    const unreadable: UnreadableRecordError[] = [];
    const store = new MemoryStore(data, undefined, (error) => unreadable.push(error));
    return {
      store,
      unreadable,
      async writeRaw(table, record) {
        if (table === 'runs') data.runs.set(String(record.id), record as RunRecord);
        if (table === 'events') data.events.set(String(record.id), record as EventRecord);
        if (table !== 'steps') return;
        data.steps.set(String(record.key), record as StepRecord);
        const runId = String(record.runId);
        data.stepsByRun.set(runId, new Set([...(data.stepsByRun.get(runId) ?? []), String(record.key)]));
      },
    };
  });
});

describe('DexieEngineStore', () => {
  const opened: TabflowDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.delete()));
  });
  const openDb = () => {
    const db = new TabflowDb('t-' + crypto.randomUUID());
    opened.push(db);
    return db;
  };

  engineStoreContract(() => new DexieEngineStore(openDb()));
  unreadableRecordContract(() => {
    const db = openDb();
    const unreadable: UnreadableRecordError[] = [];
    return {
      store: new DexieEngineStore(db, (error) => unreadable.push(error)),
      unreadable,
      writeRaw: async (table, record) => void (await db.table(table).put(record)),
    };
  });
});
