import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../../support/engine';
import { findThenMarkAtRisk } from '../../support/flows';

/** What the step inspector shows as a step's resolved input comes from the record's `input`. */
describe('recorded step inputs', () => {
  it('a table update records the table, where and set with their templates filled in', async () => {
    const t = createTestEngine();
    t.data.table('customers').set('c1', { id: 'c1', name: 'Ada', status: 'active' });
    const run = await t.runToEnd(await t.engine.start({ workflow: findThenMarkAtRisk(), input: { value: 'c1' } }));
    expect(run.status).toBe('completed');
    expect(t.data.steps.get(`${run.id}:mark@`)?.input).toEqual({
      table: 'customers',
      where: { id: 'c1' },
      set: { status: 'at_risk' },
      upsert: false,
    });
  });
});
