import type { TabflowDb } from './db';
import { settingValue, writeSetting } from './settings';
import { importTableRows } from './tableImport';

/** The demo customers the templates and the customer tools work on. Reset restores exactly these. */
export const DEMO_CUSTOMERS = [
  {
    id: 'cus_001',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    plan: 'pro',
    monthlySpend: 99,
    lastLogin: '2026-11-20',
    openTickets: 0,
    status: 'active',
  },
  {
    id: 'cus_002',
    name: 'Grace Hopper',
    email: 'grace@example.com',
    plan: 'team',
    monthlySpend: 249,
    lastLogin: '2026-09-02',
    openTickets: 3,
    status: 'at_risk',
  },
  {
    id: 'cus_003',
    name: 'Alan Turing',
    email: 'alan@example.com',
    plan: 'free',
    monthlySpend: 0,
    lastLogin: '2026-06-14',
    openTickets: 1,
    status: 'at_risk',
  },
  {
    id: 'cus_004',
    name: 'Katherine Johnson',
    email: 'katherine@example.com',
    plan: 'enterprise',
    monthlySpend: 1200,
    lastLogin: '2026-11-21',
    openTickets: 0,
    status: 'active',
  },
  {
    id: 'cus_005',
    name: 'Edsger Dijkstra',
    email: 'edsger@example.com',
    plan: 'pro',
    monthlySpend: 99,
    lastLogin: '2026-03-30',
    openTickets: 0,
    status: 'churned',
  },
  {
    id: 'cus_006',
    name: 'Barbara Liskov',
    email: 'barbara@example.com',
    plan: 'team',
    monthlySpend: 249,
    lastLogin: '2026-11-10',
    openTickets: 2,
    status: 'active',
  },
] as const;

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
