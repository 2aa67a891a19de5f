import { describe, expect, it } from 'vitest';
import { overBudgetFlow } from '../../support/budgetFlow';
import { FAST_DEMO, jsonFile, tabflow } from './harness';

describe('tabflow run answers a budget question with --budget', () => {
  it('a budget question stops the run naming --budget; --budget continue raises the cap and completes it', async () => {
    const args = ['run', jsonFile(overBudgetFlow()), '--input', '{"value":"tea"}', ...FAST_DEMO];
    const waiting = await tabflow(args);
    expect(waiting.code, waiting.stderr).toBe(3);
    expect(waiting.stderr).toContain('reached the run');
    expect(waiting.stderr).toContain('--budget continue (or --budget stop)');
    const continued = await tabflow([...args, '--budget', 'continue']);
    expect(continued.code, continued.stderr).toBe(0);
    expect(continued.stderr).toMatch(/✓ second +completed/);
  });

  it('--budget stop ends the run over budget, the second step never answered', async () => {
    const stopped = await tabflow([
      'run',
      jsonFile(overBudgetFlow()),
      '--input',
      '{"value":"tea"}',
      '--budget',
      'stop',
    ]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('over budget');
    expect(stopped.stderr).not.toMatch(/✓ second/);
    const bad = await tabflow(['run', jsonFile(overBudgetFlow()), '--budget', 'maybe']);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toContain('--budget must be continue or stop (got "maybe")');
  });
});
