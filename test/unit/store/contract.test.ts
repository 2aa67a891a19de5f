import 'fake-indexeddb/auto';
import { afterEach, describe } from 'vitest';
import { MemoryStore } from '../../../src/engine/memoryStore';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { engineStoreContract } from './contract';

describe('MemoryStore (the reference)', () => {
  engineStoreContract(() => new MemoryStore());
});

describe('DexieEngineStore', () => {
  const opened: TabflowDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.delete()));
  });

  engineStoreContract(() => {
    const db = new TabflowDb('t-' + crypto.randomUUID());
    opened.push(db);
    return new DexieEngineStore(db);
  });
});
