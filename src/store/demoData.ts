import type { TabflowDb } from './db';
import { settingValue, writeSetting } from './settings';
import { importTableRows } from './tableImport';
import { DEMO_CUSTOMERS } from '../templates/demoCustomers';

/** The demo customers live with the templates (pure data, which a headless run reads too). */
export { DEMO_CUSTOMERS };

/** Seeds the customers table once per browser; a user who emptied it keeps it empty. */
export async function seedDemoData(db: TabflowDb): Promise<void> {
  await db.transaction('rw', db.settings, db.tableRows, async () => {
    if (await settingValue(db, 'demoCustomersSeeded')) return;
    await writeSetting(db, 'demoCustomersSeeded', true);
    if ((await db.tableRows.where('table').equals('customers').count()) > 0) return;
    await db.tableRows.bulkPut(DEMO_CUSTOMERS.map((row) => ({ table: 'customers', id: row.id, row: { ...row } })));
  });
}

export function resetDemoCustomers(db: TabflowDb): Promise<number> {
  return importTableRows(
    db,
    'customers',
    DEMO_CUSTOMERS.map((row) => ({ ...row })),
  );
}
