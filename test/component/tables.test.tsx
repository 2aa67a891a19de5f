import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { listTables } from '../../src/store/tableImport';
import { tableNameFromFile } from '../../src/ui/tables/TablesDialog';
import { renderApp } from './helpers';

describe('local tables', () => {
  it('imports a CSV file as a table and shows its rows', async () => {
    const { db, user } = renderApp();
    await user.click(screen.getByRole('button', { name: 'Tables' }));
    const dialog = screen.getByRole('dialog', { name: 'Tables' });
    const file = new File(['id,name,spend\nc1,Ada,99\nc2,"Hopper, Grace",249\n'], 'Big Customers.csv', {
      type: 'text/csv',
    });
    await user.upload(dialog.querySelector('input[type="file"]') as HTMLInputElement, file);
    await waitFor(async () => expect(await listTables(db)).toEqual([{ name: 'big_customers', rows: 2 }]));
    const table = await within(dialog).findByRole('table', { name: 'Rows of big_customers' });
    expect(within(table).getByDisplayValue('Hopper, Grace')).toBeTruthy();
  });

  it('refuses a malformed file with a readable message and keeps existing tables', async () => {
    const { db, user } = renderApp();
    await user.click(screen.getByRole('button', { name: 'Tables' }));
    const dialog = screen.getByRole('dialog', { name: 'Tables' });
    await user.upload(
      dialog.querySelector('input[type="file"]') as HTMLInputElement,
      new File(['[1, 2]'], 'rows.json', { type: 'application/json' }),
    );
    await screen.findByText(/item 1 is .*not an object/i);
    expect(await listTables(db)).toEqual([]);
  });

  it('names tables after their file', () => {
    expect(tableNameFromFile('Customer list (2024).csv')).toBe('customer_list_2024');
    expect(tableNameFromFile('2024.json')).toBe('t_2024');
  });
});

describe('editing rows', () => {
  it('a cell edited in place is saved, and numbers stay numbers', async () => {
    const { db, user } = renderApp();
    await db.tableRows.bulkPut([{ table: 'customers', id: 'c1', row: { id: 'c1', name: 'Ada', spend: 99 } }]);
    await user.click(screen.getByRole('button', { name: 'Tables' }));
    const name = await screen.findByRole('textbox', { name: 'name of c1' });
    await user.clear(name);
    await user.type(name, 'Ada Lovelace{Enter}');
    const spend = screen.getByRole('textbox', { name: 'spend of c1' });
    await user.clear(spend);
    await user.type(spend, '120{Enter}');
    await waitFor(async () =>
      expect((await db.tableRows.get(['customers', 'c1']))?.row).toEqual({
        id: 'c1',
        name: 'Ada Lovelace',
        spend: 120,
      }),
    );
  });
});
