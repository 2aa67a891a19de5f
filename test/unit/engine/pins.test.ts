import { describe, expect, it } from 'vitest';
import type { StartOptions } from '../../../src/engine/engine';
import { InputError } from '../../../src/engine/input';
import type { RunPin, StepRecord } from '../../../src/engine/records';
import { TEMPLATES } from '../../../src/templates';
import { runScenario, seedCustomers, type Scenario } from '../../support/crash';
import { createTestEngine } from '../../support/engine';
import { chain, llm, set } from '../../support/flows';

/** trigger → draft (llm) → polish (llm, reads draft) → done (set, reads polish). */
const workflow = chain('pins', [
  llm('draft', 'draft about {{input.value}}'),
  llm('polish', 'polish: {{steps.draft.output}}'),
  set('done', { text: '{{steps.polish.output}}' }),
]);

/** An engine whose fake model answers `<slug>(<prompt>)` and lists the steps it was asked for. */
function setup() {
  const asked: string[] = [];
  const t = createTestEngine({
    runners: {
      llm: (req) => {
        const slug = req.key.slice(req.key.indexOf(':') + 1, req.key.indexOf('@'));
        asked.push(slug);
        return `${slug}(${req.userPrompt})`;
      },
    },
  });
  return { ...t, asked };
}

const stepsOf = (t: ReturnType<typeof setup>, runId: string): StepRecord[] =>
  [...t.data.steps.values()].filter((s) => s.runId === runId && s.kind === 'step').sort((a, b) => a.seq - b.seq);

async function runOnce(t: ReturnType<typeof setup>, options: Partial<StartOptions>) {
  const id = await t.engine.start({ workflow, input: { value: 'cats' }, ...options });
  return { id, run: await t.runToEnd(id) };
}

describe('pinned outputs', () => {
  it.each([
    { pins: { draft: { output: 'PINNED DRAFT' } }, ran: ['polish'], done: 'polish(polish: PINNED DRAFT)' },
    { pins: { polish: { output: 'PINNED POLISH' } }, ran: ['draft'], done: 'PINNED POLISH' },
    { pins: { draft: { output: 'D' }, polish: { output: 'P' } }, ran: [], done: 'P' },
    { pins: { gone: { output: 'a pin of a renamed step' } }, ran: ['draft', 'polish'], done: 'polish(polish: draft(…' },
  ] as Array<{ pins: Record<string, RunPin>; ran: string[]; done: string }>)(
    'a pinned step completes with its pin, journaled once, and never runs ($ran ran)',
    async (row) => {
      const t = setup();
      const { id, run } = await runOnce(t, { pins: row.pins });
      expect(run.status).toBe('completed');
      expect(t.asked).toEqual(row.ran);
      const text = String((run.output as { text: string }).text);
      expect(row.done.endsWith('…') ? text.startsWith(row.done.slice(0, -1)) : text === row.done).toBe(true);
      const steps = stepsOf(t, id);
      expect(steps.map((s) => s.slug)).toEqual(['start', 'draft', 'polish', 'done']);
      for (const [slug, pin] of Object.entries(row.pins)) {
        const record = steps.find((s) => s.slug === slug);
        if (slug === 'gone') continue;
        expect(record).toMatchObject({ status: 'completed', output: pin.output, meta: { pinned: true }, attempts: [] });
      }
      // Only the steps that ran have attempts; a pinned one has neither attempts nor model rounds.
      const rounds = [...t.data.steps.values()].filter((s) => s.kind === 'llm-round').map((s) => s.slug);
      expect(rounds.sort()).toEqual([...row.ran].sort());
    },
  );

  it('a pinned condition follows the pinned branch', async () => {
    const routed = chain('route', [
      {
        stepSlug: 'route',
        name: 'route',
        stepType: 'condition',
        config: { rules: [{ when: 'input.value = "a"', next: 'left' }], default: 'right' },
        nextSteps: { left: 'left', right: 'right' },
      },
      set('left', { went: 'left' }, {}),
      set('right', { went: 'right' }, {}),
    ]);
    const t = setup();
    const id = await t.engine.start({
      workflow: routed,
      input: { value: 'a' },
      pins: { route: { output: { pinned: true }, branch: 'right' } },
    });
    expect((await t.runToEnd(id)).output).toEqual({ went: 'right' });
  });

  it('pins are stored on the run, so a resume after a reload uses the same ones', async () => {
    const first = createTestEngine({ runners: { llm: () => new Promise(() => undefined) } });
    const id = await first.engine.start({ workflow, input: { value: 'x' }, pins: { polish: { output: 'P' } } });
    await first.quiesce();
    expect(first.data.runs.get(id)?.pins).toEqual({ polish: { output: 'P' } });
    first.engine.shutdown();
    // The page reloads: a new engine over the same data, with no pins passed to it.
    const asked: string[] = [];
    const second = createTestEngine({
      data: first.data,
      clock: first.clock,
      runners: { llm: (req) => (asked.push(req.key), 'fresh draft') },
    });
    await second.engine.resumeAll();
    const run = await second.runToEnd(id);
    expect(run.output).toEqual({ text: 'P' });
    expect(asked).toEqual([`${id}:draft@`]);
  });

  it('a fork of a pinned run keeps its pins: the steps after the edited one stay pinned', async () => {
    const t = setup();
    const { id } = await runOnce(t, { pins: { polish: { output: 'P' } } });
    t.asked.length = 0;
    const forked = await t.engine.fork(id, `${id}:draft@`, 'edited draft');
    const run = await t.runToEnd(forked);
    expect(run).toMatchObject({ pins: { polish: { output: 'P' } }, output: { text: 'P' } });
    expect(t.asked).toEqual([]);
  });
});

describe('run this step, run to here', () => {
  it('run this step runs only that step, on the outputs of the run it names', async () => {
    const t = setup();
    const last = await runOnce(t, {});
    t.asked.length = 0;
    const { id, run } = await runOnce(t, { partial: { kind: 'step-only', slug: 'polish', inputsFrom: last.id } });
    expect(t.asked).toEqual(['polish']);
    expect(run).toMatchObject({ status: 'completed', partial: { kind: 'step-only', slug: 'polish' } });
    expect(run.output).toBe('polish(polish: draft(draft about cats))');
    const steps = stepsOf(t, id);
    expect(steps.map((s) => [s.slug, s.meta?.copiedFrom ?? s.meta?.pinned ?? 'ran'])).toEqual([
      ['start', `${last.id}:start@`],
      ['draft', `${last.id}:draft@`],
      ['polish', 'ran'],
    ]);
  });

  it('run this step takes a pinned input first, and needs no earlier run when pins cover it', async () => {
    const t = setup();
    const { run } = await runOnce(t, {
      pins: { draft: { output: 'PIN' } },
      partial: { kind: 'step-only', slug: 'polish' },
    });
    expect(run.output).toBe('polish(polish: PIN)');
    expect(t.asked).toEqual(['polish']);
  });

  it.each([
    { what: 'no earlier run', partial: { kind: 'step-only', slug: 'polish' }, missing: /"draft"/ },
    { what: 'a nested or unknown step', partial: { kind: 'up-to', slug: 'nope' }, missing: /"nope" is not a step/ },
  ] as const)('a missing input is refused before anything starts, naming it ($what)', async (row) => {
    const t = setup();
    await expect(t.engine.start({ workflow, input: { value: 'x' }, partial: row.partial })).rejects.toThrow(
      row.missing,
    );
    expect(t.data.runs.size).toBe(0);
  });

  it('an input the last run did not reach is named, with what to do', async () => {
    const t = setup();
    const last = await runOnce(t, { partial: { kind: 'up-to', slug: 'draft' } });
    const started = t.engine.start({
      workflow,
      input: { value: 'x' },
      partial: { kind: 'step-only', slug: 'done', inputsFrom: last.id },
    });
    await expect(started).rejects.toBeInstanceOf(InputError);
    await expect(started).rejects.toThrow(
      '"done" needs the output of "polish", but the last run of this workflow did not complete that step',
    );
  });

  it('run to here ends the run completed after that step, saying it stopped there', async () => {
    const t = setup();
    const { id, run } = await runOnce(t, { partial: { kind: 'up-to', slug: 'draft' } });
    expect(t.asked).toEqual(['draft']);
    expect(run).toMatchObject({
      status: 'completed',
      output: 'draft(draft about cats)',
      partial: { kind: 'up-to', slug: 'draft', reached: true },
    });
    expect(stepsOf(t, id).map((s) => s.slug)).toEqual(['start', 'draft']);
  });

  it('a restart of a run to here says again whether it reached its step', async () => {
    const t = setup();
    const { id } = await runOnce(t, { partial: { kind: 'up-to', slug: 'draft' } });
    await t.engine.restartFrom(id, `${id}:draft@`);
    expect(t.data.runs.get(id)?.partial).toEqual({ kind: 'up-to', slug: 'draft' });
    expect(await t.runToEnd(id)).toMatchObject({ status: 'completed', partial: { reached: true } });
  });
});

describe('crash injection over a pinned run', () => {
  const template = (id: string) => TEMPLATES.find((t) => t.id === id)!.doc;
  const scenarios: Array<Scenario & { pinnedKey: string; expectInOutput: string }> = [
    {
      name: 'parallel-analysis, a branch step and the lookup pinned',
      workflow: template('parallel-analysis'),
      input: { customerId: 'cus_002' },
      seedTables: seedCustomers,
      pins: { risk_analyst: { output: 'PINNED RISK' }, lookup: { output: { rows: [{ id: 'cus_pin' }] } } },
      pinnedKey: 'top:risk_analyst@analyses.risk',
      expectInOutput: 'PINNED RISK',
    },
    {
      name: 'support-routing, the triage pinned',
      workflow: template('support-routing'),
      input: { message: 'I was charged twice' },
      // Unpinned, the fake triage says "billing"; the pin routes to support (the default).
      pins: { triage: { output: { department: 'support' } } },
      pinnedKey: 'top:triage@',
      expectInOutput: 'Help with: I was charged twice',
    },
  ];

  it.each(scenarios.map((s) => [s.name, s] as const))('%s: a crash at every store operation', async (_, scenario) => {
    const reference = await runScenario(scenario);
    expect(reference.status).toBe('completed');
    expect(reference.violations).toEqual([]);
    expect(reference.completedKeys).toContain(scenario.pinnedKey);
    expect(JSON.stringify(reference.output)).toContain(scenario.expectInOutput);
    for (let op = 1; op <= reference.ops; op++) {
      for (const phase of ['before', 'after-commit'] as const) {
        const outcome = await runScenario(scenario, { op, phase });
        const label = `${scenario.name}, crash at op ${op} ${phase}`;
        expect(outcome.violations, label).toEqual([]);
        expect(outcome.status, label).toBe('completed');
        expect(outcome.output, label).toEqual(reference.output);
        expect(outcome.completedKeys, label).toEqual(reference.completedKeys);
      }
    }
  });
});
