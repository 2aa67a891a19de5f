import type { DBCore } from 'dexie';
import type { TabflowDb } from '../../src/store/db';

/** Counts the step records IndexedDB hands out (every read of the journal, whatever its query). */
export function countStepReads(db: TabflowDb) {
  const counter = { records: 0 };
  db.use({
    stack: 'dbcore',
    name: 'count-step-reads',
    create: (down: DBCore): DBCore => ({
      ...down,
      table(name) {
        const table = down.table(name);
        if (name !== 'steps') return table;
        return {
          ...table,
          async query(request) {
            const answer = await table.query(request);
            if (request.values) counter.records += answer.result.length;
            return answer;
          },
          async get(request) {
            const answer = await table.get(request);
            if (answer !== undefined) counter.records++;
            return answer;
          },
          async getMany(request) {
            const answer = await table.getMany(request);
            counter.records += answer.filter(Boolean).length;
            return answer;
          },
        };
      },
    }),
  });
  return counter;
}
