import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/engine/records';
import { App } from '../../src/ui/App';
import { CompareWith } from '../../src/ui/compare/CompareWith';
import { compareRuns } from '../../src/ui/compare/compareRuns';
import { DbProvider } from '../../src/ui/DbContext';
import { aRun, aStep, completed } from '../unit/store/fixtures';
import { freshDb } from './helpers';

const llmMeta = (tokens: number, costUsd: number): StepRecord['meta'] => ({
  provider: 'openai',
  model: 'gpt-4o-mini',
  usage: { inputTokens: tokens - 10, outputTokens: 10, totalTokens: tokens },
  costUsd,
  priceSource: { kind: 'table', asOf: '2025-08-07' },
});

/** Run A and its fork B: same trigger, another label (and branch), another reply, one step only B ran. */
function seeded(): { runs: RunRecord[]; steps: StepRecord[] } {
  const a = aRun('runA', { workflowId: 'wf', workflowName: 'Support', status: 'completed', createdAt: 1_000 });
  const b = aRun('runB', {
    workflowId: 'wf',
    workflowName: 'Support',
    status: 'completed',
    createdAt: 5_000,
    forkedFrom: { runId: 'runA', stepKey: 'runA:classify@' },
  });
  Object.assign(a, { finishedAt: 4_000, activeMs: 2_500 });
  Object.assign(b, { finishedAt: 11_000, activeMs: 5_000 });
  const steps = (run: string, label: string, reply: string, meta: StepRecord['meta']) => [
    completed(aStep(run, 'start', 0, { stepType: 'trigger' }), { ticket: 't-1' }),
    { ...completed(aStep(run, 'classify', 1), { label, confidence: 0.9 }), branch: label },
    { ...completed(aStep(run, 'reply', 2, { stepType: 'llm' }), reply), meta },
  ];
  return {
    runs: [a, b],
    steps: [
      ...steps('runA', 'billing', 'We refunded you.', llmMeta(100, 0.01)),
      ...steps('runB', 'refund', 'A refund is on its way.', llmMeta(150, 0.02)),
      completed(aStep('runB', 'escalate', 3), { to: 'finance' }),
      // A model round is summed in its step: it is no step of its own here.
      {
        ...completed(aStep('runB', 'reply', 4, { stepType: 'llm-round' }), 'x'),
        kind: 'llm-round',
        key: 'runB:reply@/r1',
        parentKey: 'runB:reply@',
      } as StepRecord,
    ],
  };
}

async function openComparison() {
  const db = freshDb();
  const { runs, steps } = seeded();
  await db.runs.bulkPut(runs);
  await db.steps.bulkPut(steps);
  history.replaceState(null, '', '/#/w/wf/compare/runA/runB');
  render(<App db={db} />);
  await screen.findByRole('heading', { name: 'Compare runs of Support' }, { timeout: 5_000 });
  return db;
}

const rows = () => screen.getAllByTestId('compare-row');

describe('comparing two runs', () => {
  it('lists the steps that differ, and says in what', async () => {
    await openComparison();
    expect(screen.getByText('3 of 4 steps differ.')).toBeTruthy();
    expect(rows().map((r) => [r.dataset.place, r.lastElementChild?.textContent])).toEqual([
      ['classify@', 'branch, output'],
      ['reply@', 'output'],
      ['escalate@', 'only in B'],
    ]);
    await userEvent.click(screen.getByLabelText('Only the steps that differ'));
    expect(rows().map((r) => r.dataset.place)).toEqual(['start@', 'classify@', 'reply@', 'escalate@']);
    expect(rows()[0]!.lastElementChild?.textContent).toBe('same');
  });

  it("shows each differing output's diff, field by field, A against B", async () => {
    await openComparison();
    const diffs = screen.getAllByTestId('compare-diff');
    expect(diffs.map((d) => d.dataset.place)).toEqual(['classify@', 'reply@', 'escalate@']);
    const classify = within(diffs[0]!).getByRole('table');
    expect(
      within(classify)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Field', 'A', 'B']);
    const label = within(classify).getByRole('rowheader').closest('tr')!;
    expect([...label.children].map((c) => c.textContent)).toEqual(['label', '"billing"', '"refund"']);
    expect(within(diffs[1]!).getByRole('table').textContent).toContain('"We refunded you."');
    expect(within(diffs[1]!).getByRole('table').textContent).toContain('"A refund is on its way."');
    // Only in B: both sides shown as they are.
    expect(diffs[2]!.textContent).toContain('did not run');
    expect(diffs[2]!.textContent).toContain('"to": "finance"');
  });

  it('gives the tokens, cost and time of each side, and links the fork to its origin', async () => {
    await openComparison();
    const a = screen.getByTestId('compare-side-A');
    const b = screen.getByTestId('compare-side-B');
    expect(within(a).getByTestId('compare-tokens').textContent).toBe('100');
    expect(within(b).getByTestId('compare-tokens').textContent).toBe('150');
    expect(within(a).getByTestId('compare-cost').textContent).toMatch(/^≈ \$0\.0100 \(estimate/);
    expect(within(b).getByTestId('compare-cost').textContent).toMatch(/^≈ \$0\.0200 \(estimate/);
    const reply = screen.getAllByTestId('compare-row').find((r) => r.dataset.place === 'reply@')!;
    expect([...reply.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)).toEqual([
      'completed · 10 ms · 100 tokens · ≈ $0.0100',
      'completed · 10 ms · 150 tokens · ≈ $0.0200',
    ]);
    expect(within(a).getByTestId('compare-time').textContent).toBe('took 3.0 s (2.5 s running)');
    expect(within(b).getByTestId('compare-time').textContent).toBe('took 6.0 s (5.0 s running)');
    const origin = within(b).getByRole('link', { name: /run runA at classify@/ });
    expect(origin.getAttribute('href')).toBe(`#/w/wf/runs/runA/steps/${encodeURIComponent('runA:classify@')}`);
  });

  it('an address naming a run that is not here says so', async () => {
    const db = freshDb();
    history.replaceState(null, '', '/#/w/wf/compare/runA/gone');
    await db.runs.bulkPut(seeded().runs);
    render(<App db={db} />);
    expect((await screen.findByRole('alert', {}, { timeout: 5_000 })).textContent).toMatch(/^No run gone here/);
  });
});

describe('Compare with…', () => {
  it('offers the previous run, the fork origin and any run, each as the comparison address', async () => {
    const db = freshDb();
    const { runs } = seeded();
    const c = aRun('runC', { workflowId: 'wf', status: 'failed', createdAt: 9_000 });
    await db.runs.bulkPut([...runs, c]);
    render(
      <DbProvider db={db}>
        <CompareWith run={runs[1]!} />
      </DbProvider>,
    );
    await userEvent.click(await screen.findByText('Compare with…', {}, { timeout: 5_000 }));
    // A fork says where it came from, beside the menu.
    expect(
      screen
        .getByText(/^forked from/)
        .querySelector('a')
        ?.getAttribute('href'),
    ).toBe(`#/w/wf/runs/runA/steps/${encodeURIComponent('runA:classify@')}`);
    expect(screen.getByRole('link', { name: /^The previous run/ }).getAttribute('href')).toBe(
      '#/w/wf/compare/runA/runB',
    );
    expect(screen.getByRole('link', { name: 'The run it was forked from' }).getAttribute('href')).toBe(
      '#/w/wf/compare/runA/runB',
    );
    await userEvent.selectOptions(screen.getByLabelText('Any run of this workflow'), 'runC');
    await waitFor(() =>
      expect(screen.getByRole('link', { name: 'Compare' }).getAttribute('href')).toBe('#/w/wf/compare/runC/runB'),
    );
  });
});

describe('a restarted run', () => {
  it('links to the step it restarted from, even with no other run to compare with', async () => {
    const db = freshDb();
    const restarted = aRun('runR', {
      workflowId: 'wf',
      status: 'running',
      restartedFrom: { stepKey: 'runR:reply@', at: 2_000 },
    });
    await db.runs.put(restarted);
    render(
      <DbProvider db={db}>
        <CompareWith run={restarted} />
      </DbProvider>,
    );
    const origin = await screen.findByText(/^restarted from/, {}, { timeout: 5_000 });
    expect(origin.querySelector('a')?.getAttribute('href')).toBe(
      `#/w/wf/runs/runR/steps/${encodeURIComponent('runR:reply@')}`,
    );
    expect(screen.queryByText('Compare with…')).toBeNull();
  });
});

describe('compareRuns (pure)', () => {
  it('aligns by slug and path, compares status, branch and output, and sums each side', () => {
    const { runs, steps } = seeded();
    const side = (id: string) => ({ run: runs.find((r) => r.id === id)!, steps: steps.filter((s) => s.runId === id) });
    const result = compareRuns(side('runA'), side('runB'), 20_000);
    expect(result.steps.map((s) => [s.place, s.differences])).toEqual([
      ['start@', []],
      ['classify@', ['branch', 'output']],
      ['reply@', ['output']],
      ['escalate@', ['only-b']],
    ]);
    expect(result.steps[1]!.outputChanges).toEqual([
      { kind: 'changed', path: ['label'], before: 'billing', after: 'refund' },
    ]);
    expect(result.totals.a.cost.usage.totalTokens).toBe(100);
    expect(result.totals.b.steps).toBe(4);
  });
});
