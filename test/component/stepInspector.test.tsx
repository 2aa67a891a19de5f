import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord, StepRecord, ThreadMessageRecord } from '../../src/engine/records';
import type { TabflowDb } from '../../src/store/db';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { formatTime } from '../../src/ui/runs/format';
import { UiStoreProvider } from '../../src/ui/state';
import { JSON_TREE_PAGE } from '../../src/ui/stepview/JsonTree';
import { SelectedStep } from '../../src/ui/stepview/SelectedStep';
import { STREAM_CHANNEL, type ExecutorApi } from '../../src/worker/api';
import { freshDb } from './helpers';
import { waitingRun, waitingStep } from './runFixtures';

/** The step inspector over records as the engine writes them: one rendering per step type. */
const T0 = Date.parse('2026-12-01T10:00:00Z');
const run: RunRecord = { ...waitingRun, workflowId: 'w1', status: 'completed', createdAt: T0, input: { id: 'c1' } };

/** A finished step record of `run` (key `run1:<slug>@<path>`). */
function done(slug: string, fields: Partial<StepRecord> = {}): StepRecord {
  const path = fields.path ?? '';
  const finished = { key: `run1:${slug}@${path}`, status: 'completed', startedAt: T0, endedAt: T0 + 1_500 } as const;
  return waitingStep(slug, { ...finished, ...fields } as Partial<StepRecord>);
}

/** An effect inside `parent` (`…/r1`, `…/r1/tool0`). */
function effect(parent: StepRecord, name: string, fields: Partial<StepRecord>): StepRecord {
  const kind = name.includes('tool') ? 'tool-call' : 'llm-round';
  return {
    ...done(parent.slug),
    key: `${parent.key}/${name}`,
    kind,
    stepType: kind === 'tool-call' ? 'tool' : 'llm-round',
    parentKey: parent.key,
    ...fields,
  } as StepRecord;
}

interface Seed {
  records: StepRecord[];
  /** The steps of the run's definition (for the facts only the definition has: rules, actions, loops). */
  steps?: unknown[];
  messages?: ThreadMessageRecord[];
  runs?: RunRecord[];
  theRun?: RunRecord;
}

async function inspect(key: string, seed: Seed): Promise<HTMLElement> {
  const db: TabflowDb = freshDb();
  const theRun = seed.theRun ?? run;
  const definition = { workflowConfig: { name: 'W' }, stepsConfig: seed.steps ?? [] };
  await db.definitions.put({ hash: theRun.workflowHash, definition: definition as never, parsed: true, savedAt: T0 });
  await db.runs.bulkPut([theRun, ...(seed.runs ?? [])]);
  await db.steps.bulkPut(seed.records);
  if (seed.messages) await db.messages.bulkPut(seed.messages as never);
  window.location.hash = `#/w/w1/runs/run1/steps/${encodeURIComponent(key)}`;
  const executor = { restartFrom: vi.fn(async () => undefined) };
  render(
    <DbProvider db={db}>
      <UiStoreProvider>
        <ExecutorProvider executor={executor as unknown as ExecutorApi}>
          <SelectedStep run={theRun} names={new Map([['agent', 'Summarise']])} onError={(e) => void e} />
        </ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
  // Generous waits: on a loaded machine the live queries may take a while to answer.
  const panel = await screen.findByTestId('step-inspector', {}, { timeout: 5_000 });
  // The facts that need the definition (rules, actions, loops) show once it has loaded.
  await waitFor(() => expect(panel.dataset.state).toBe('ready'), { timeout: 5_000 });
  return panel;
}

/** The text of the fact `term` in the panel (its <dd>). */
async function fact(panel: HTMLElement, term: string): Promise<string> {
  return waitFor(() => {
    const dt = [...panel.querySelectorAll('dt')].find((d) => d.textContent === term);
    if (!dt) throw new Error(`no fact "${term}" in: ${panel.textContent}`);
    return dt.nextElementSibling!.textContent!;
  });
}

const section = (panel: HTMLElement, name: string) => within(panel).getByRole('region', { name });
/** A tree item's name: its own line (the tree is flat: an item holds no other). */
const nameOf = (item: HTMLElement) => item.textContent;

afterEach(() => void (window.location.hash = ''));

describe('the step inspector, per step type', () => {
  it('trigger: manual, with the run input, its data as the output', async () => {
    const panel = await inspect('run1:start@', {
      records: [done('start', { stepType: 'trigger', output: { id: 'c1' } })],
    });
    expect(await fact(panel, 'Trigger')).toContain('manual');
    expect(await fact(panel, 'Run input')).toBe('id: c1');
    expect(section(panel, 'Input').textContent).toContain('its data, templates filled in, is its output');
    expect(within(section(panel, 'Output')).getByRole('tree', { name: 'Output' }).textContent).toContain('"c1"');
  });

  it('llm: prompts filled in, model, tokens, cost, rounds with tool calls, the thread it saw and wrote', async () => {
    const agent = done('agent', {
      stepType: 'llm',
      input: {
        systemPrompt: 'Be brief.',
        userPrompt: 'Summarise customer c1',
        threadId: 'run1:thread',
        model: 'gpt-4o-mini',
        tools: ['customer_search'],
      },
      output: 'Ada is active.',
      meta: {
        provider: 'demo',
        model: 'demo-1',
        rounds: 2,
        usage: { inputTokens: 50, outputTokens: 25, totalTokens: 75 },
      },
    });
    const call = { id: 'call1', name: 'customer_search', args: { query: 'c1' } };
    const records = [
      agent,
      effect(agent, 'r1', { output: { text: '', toolCalls: [call], usage: { totalTokens: 40 } }, seq: 2 }),
      effect(agent, 'r1/tool0', {
        input: { tool: 'customer_search', args: { query: 'c1' } },
        output: { customers: [{ id: 'c1', name: 'Ada' }], count: 1 },
        seq: 3,
      }),
      effect(agent, 'r2', { output: { text: 'Ada is active.', toolCalls: [] }, seq: 4 }),
    ];
    const message = (id: string, seq: number, m: ThreadMessageRecord['message']): ThreadMessageRecord => ({
      id,
      threadId: 'run1:thread',
      seq,
      runId: 'run1',
      message: m,
      createdAt: T0,
    });
    const messages = [
      message('run1:before@/r1', 1, { role: 'assistant', content: 'An earlier step spoke.' }),
      message('run1:agent@/prompt', 2, { role: 'user', content: 'Summarise customer c1' }),
      message('run1:agent@/r1', 3, { role: 'assistant', content: '', toolCalls: [call] }),
      message('run1:agent@/r1/tool0', 4, { role: 'tool', toolCallId: 'call1', toolName: 'customer_search', result: 1 }),
      message('run1:agent@/r2', 5, { role: 'assistant', content: 'Ada is active.' }),
      message('run1:after@/r1', 6, { role: 'assistant', content: 'A later step spoke.' }),
    ];
    const panel = await inspect('run1:agent@', { records, messages });
    expect(within(panel).getByRole('heading', { level: 3 }).textContent).toBe('Summarise agent');
    expect(section(panel, 'User prompt').querySelector('pre')!.textContent).toBe('Summarise customer c1');
    expect(section(panel, 'System prompt').querySelector('pre')!.textContent).toBe('Be brief.');
    expect(await fact(panel, 'Model')).toBe('demo model');
    expect(await fact(panel, 'Tokens')).toBe('75 tokens, 50 in, 25 out');
    expect(await fact(panel, 'Cost')).toBe('free (offline demo model)');

    const rounds = section(panel, 'Rounds and tool calls');
    const calls = within(rounds).getByRole('list', { name: 'Tool calls of round 1' });
    expect(within(calls).getByRole('tree', { name: 'Arguments of customer_search' }).textContent).toContain(
      'query: "c1"',
    );
    const result = within(calls).getByRole('tree', { name: 'Result of customer_search' });
    expect(within(result).getAllByRole('treeitem').map(nameOf)).toEqual([
      '{…} 2 keys',
      'customers: […] 1 item',
      '0: {…} 2 keys',
      'count: 1',
    ]);
    expect(rounds.querySelector('[data-round="2"]')!.textContent).toContain('Ada is active.');

    const thread = section(panel, 'Thread messages');
    await within(thread).findByText('1 seen from earlier in the thread, 4 written by this step');
    expect(thread.textContent).toContain('An earlier step spoke.');
    expect(thread.textContent).not.toContain('A later step spoke.');
    expect(thread.textContent).toContain('customer_search → 1');
  });

  it('llm while it runs: the live token stream', async () => {
    const running = done('agent', {
      stepType: 'llm',
      status: 'started',
      endedAt: undefined,
      input: { userPrompt: 'Hi', threadId: 'run1:agent@', model: 'demo-1' },
    });
    const panel = await inspect('run1:agent@', { records: [running], theRun: { ...run, status: 'running' } });
    const stream = within(panel).getByTestId('step-stream');
    expect(stream.textContent).toBe('Waiting for the first words…');
    const channel = new BroadcastChannel(STREAM_CHANNEL);
    channel.postMessage({ 'run1:agent@': 'Hello, wor' });
    await waitFor(() => expect(stream.textContent).toBe('Hello, wor'));
    channel.close();
  });

  it('condition: the branch taken and the rule that held', async () => {
    const panel = await inspect('run1:route@', {
      records: [done('route', { stepType: 'condition', output: { matched: 1, branch: 'vip' }, branch: 'vip' })],
      steps: [
        {
          stepSlug: 'route',
          stepType: 'condition',
          config: {
            rules: [
              { when: 'false', next: 'plain' },
              { when: "input.tier = 'vip'", next: 'vip' },
            ],
          },
        },
      ],
    });
    expect(await fact(panel, 'Branch taken')).toBe('vip');
    expect(await fact(panel, 'Why')).toBe("rule 2 of 2 held: input.tier = 'vip'");
  });

  it('http: the request with its status, and the secrets it sends as placeholders', async () => {
    const input = {
      method: 'POST',
      url: 'https://api.example.com/items',
      headers: { Authorization: 'Bearer {{secrets.API_TOKEN}}' },
      query: {},
      body: { id: 'c1' },
      sendsSecrets: ['API_TOKEN'],
    };
    const panel = await inspect('run1:post@', {
      records: [done('post', { input, output: { status: 201, headers: {}, body: { ok: true } } })],
      steps: [{ stepSlug: 'post', stepType: 'action', config: { action: 'http' } }],
    });
    expect(await fact(panel, 'Request')).toBe('POST https://api.example.com/items');
    expect(await fact(panel, 'Status')).toBe('201');
    expect(await fact(panel, 'Sends secrets')).toBe('API_TOKEN (shown as placeholders)');
    expect(section(panel, 'Input').textContent).toContain('Bearer {{secrets.API_TOKEN}}');
  });

  it('table actions: rows read and rows updated; a set action says its output holds the values', async () => {
    const query = await inspect('run1:find@', {
      records: [
        done('find', { input: { table: 'customers', where: {}, limit: 5 }, output: { rows: [{}, {}], count: 2 } }),
      ],
      steps: [{ stepSlug: 'find', stepType: 'action', config: { action: 'table.query', table: 'customers' } }],
    });
    expect(await fact(query, 'Rows read')).toBe('2');
    document.body.innerHTML = '';
    const update = await inspect('run1:mark@', {
      records: [done('mark', { output: { updated: 0, created: true, rows: [] } })],
      steps: [{ stepSlug: 'mark', stepType: 'action', config: { action: 'table.update', table: 'customers' } }],
    });
    expect(await fact(update, 'Rows updated')).toBe('0 (a new row was inserted)');
    document.body.innerHTML = '';
    const set = await inspect('run1:vals@', {
      records: [done('vals', { output: { greeting: 'Hi Ada' } })],
      steps: [{ stepSlug: 'vals', stepType: 'action', config: { action: 'set' } }],
    });
    expect(await fact(set, 'Action')).toBe('set: the output holds the values with their templates filled in');
  });

  it('wait: what it waits for and when it woke; a wait in progress its wake time', async () => {
    const woke = T0 + 60_000;
    const panel = await inspect('run1:nap@', {
      records: [done('nap', { stepType: 'wait', output: { wokeAt: woke } })],
      steps: [{ stepSlug: 'nap', stepType: 'wait', config: { durationMs: 60_000 } }],
    });
    expect(await fact(panel, 'Waits')).toBe('60000 ms after it started');
    expect(await fact(panel, 'Woke')).toBe(`at ${formatTime(woke)}`);
    document.body.innerHTML = '';
    const wakeAt = Date.now() + 10 * 60_000;
    const sleeping = await inspect('run1:nap@', {
      records: [done('nap', { stepType: 'wait', status: 'waiting', endedAt: undefined, wakeAt })],
    });
    expect(await fact(sleeping, 'Wake time')).toMatch(/^Sleeping until .+ \(in (9|10) min \d+ s\)$/);
  });

  it('approval: what was asked, the answer, when, and the reason given', async () => {
    const at = T0 + 5_000;
    const panel = await inspect('run1:ok@', {
      records: [
        done('ok', {
          stepType: 'approval',
          input: { prompt: 'Send the email to Ada?' },
          output: { approved: false, note: 'Wrong tone', at },
          branch: 'rejected',
        }),
      ],
    });
    expect(await fact(panel, 'Asked')).toBe('Send the email to Ada?');
    expect(await fact(panel, 'Answer')).toBe(`Rejected in this browser at ${formatTime(at)}`);
    expect(await fact(panel, 'Reason given')).toBe('Wrong tone');
    expect(panel.querySelector('.step-inspector-sub')!.textContent).toContain('then “rejected”');
  });

  it('event: the event it waited for, when it came, its payload as the output', async () => {
    const panel = await inspect('run1:paid@', {
      records: [done('paid', { stepType: 'event', output: { amount: 5 } })],
      steps: [{ stepSlug: 'paid', stepType: 'event', config: { event: 'payment' } }],
    });
    expect(await fact(panel, 'Event')).toBe('“payment”');
    expect(await fact(panel, 'Received')).toBe(`at ${formatTime(T0 + 1_500)}; its payload is the output`);
    expect(section(panel, 'Output').textContent).toContain('amount: 5');
  });

  it('subworkflow: the workflow, its child run with status and result, and a way to it', async () => {
    const child: RunRecord = { ...run, id: 'child1', parentRunId: 'run1', status: 'completed', output: 'child done' };
    const panel = await inspect('run1:sub@', {
      records: [
        done('sub', { stepType: 'subworkflow', childRunId: 'child1', input: { workflow: 'Enrich', input: {} } }),
      ],
      runs: [child],
    });
    expect(await fact(panel, 'Workflow')).toBe('Enrich');
    await waitFor(async () => expect(await fact(panel, 'Child run')).toContain('child1 completed'));
    expect(await fact(panel, 'It returned')).toBe('child done');
    expect(within(panel).getByRole<HTMLButtonElement>('button', { name: 'Show the child run' }).disabled).toBe(false);
  });

  it('loop: how it iterates and its iterations, done of total, each with its status', async () => {
    const item = (i: number, status: StepRecord['status']) =>
      done('work', { path: `each[${i}]`, status, ...(status === 'failed' ? { error: failedError } : {}) });
    const failedError = { message: 'boom', category: 'internal' as const, retryable: false };
    const panel = await inspect('run1:each@', {
      records: [
        done('each', { stepType: 'loop', status: 'failed', error: failedError }),
        item(0, 'completed'),
        item(1, 'completed'),
        item(2, 'failed'),
      ],
      steps: [{ stepSlug: 'each', stepType: 'loop', config: { forEach: [1, 2, 3, 4], concurrency: 2 } }],
    });
    expect(await fact(panel, 'Loop')).toBe('for each item of [1,2,3,4], 2 at once');
    expect(await fact(panel, 'Iterations')).toBe('2 done of 4');
    const chips = within(panel).getByRole('list', { name: 'Iterations' });
    expect([...chips.querySelectorAll('li')].map((li) => li.dataset.status)).toEqual([
      'completed',
      'completed',
      'failed',
    ]);
  });

  it('parallel: the join, its branches with their state, and the winner', async () => {
    const panel = await inspect('run1:fan@', {
      records: [
        done('fan', { stepType: 'parallel', meta: { winner: 'fast' }, output: { fast: 1 } }),
        done('quick', { path: 'fan.fast' }),
        done('slowly', { path: 'fan.slow', status: 'cancelled' }),
      ],
      steps: [
        { stepSlug: 'fan', stepType: 'parallel', config: { join: 'any', branches: { fast: [], slow: [], never: [] } } },
      ],
    });
    expect(await fact(panel, 'Join')).toContain('any: the first branch to finish wins');
    expect(await fact(panel, 'Winner')).toBe('fast');
    const branches = within(panel).getByRole('list', { name: 'Branches' });
    expect([...branches.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'fast (winner) completed',
      'slow cancelled',
      'never not started',
    ]);
  });

  it('an error: its category, whether it is retried, the next retry time and every attempt', async () => {
    const wakeAt = Date.now() + 30_000;
    const error = { message: 'OpenAI answered 503', category: 'server' as const, retryable: true };
    const step = done('agent', {
      stepType: 'llm',
      status: 'started',
      endedAt: undefined,
      attempts: [{ n: 1, startedAt: T0, endedAt: T0 + 200, outcome: 'error', error }],
    });
    const panel = await inspect('run1:agent@', {
      records: [step],
      theRun: { ...run, status: 'running', waits: [{ kind: 'retry', stepKey: 'run1:agent@', wakeAt }] },
    });
    expect(await fact(panel, 'Last error')).toContain('OpenAI answered 503');
    expect(await fact(panel, 'Category')).toBe('server');
    expect(await fact(panel, 'Retried')).toBe('yes, by the retry policy');
    expect(panel.querySelector('.step-next-retry')!.textContent).toMatch(/^Next attempt at .+ \(in (29|30)\.\d s\)$/);
    within(panel).getByText('1 attempt, 1 failed');
  });
});

// Rendering and typing through hundreds of tree items is slow in jsdom on a loaded machine.
describe('the JSON tree', { timeout: 20_000 }, () => {
  const items = (panel: HTMLElement) => within(section(panel, 'Output')).getAllByRole('treeitem');
  const item = (panel: HTMLElement, label: string) => items(panel).find((el) => nameOf(el)!.startsWith(`${label}:`))!;

  it('opens and closes by keyboard: Right, Left, Enter, and Up/Down move between items', async () => {
    const output = { customer: { name: 'Ada', tags: ['vip'] }, count: 1 };
    const panel = await inspect('run1:vals@', { records: [done('vals', { output })] });
    const customer = item(panel, 'customer');
    expect(customer.getAttribute('aria-expanded')).toBe('true');
    customer.focus();
    await userEvent.keyboard('{ArrowLeft}');
    expect(customer.getAttribute('aria-expanded')).toBe('false');
    expect(item(panel, 'name')).toBeUndefined(); // closed children are not rendered
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(item(panel, 'count'));
    await userEvent.keyboard('{ArrowUp}{Enter}');
    expect(customer.getAttribute('aria-expanded')).toBe('true');
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(item(panel, 'name'));
    await userEvent.keyboard('{ArrowLeft}');
    expect(document.activeElement).toBe(customer);
    // One tab stop: the item last focused.
    expect(items(panel).filter((el) => el.tabIndex === 0)).toEqual([customer]);
  });

  it(`a 5,000-key output renders ${JSON_TREE_PAGE} keys and "show more", which adds the next page`, async () => {
    const output = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`key${i}`, i]));
    const panel = await inspect('run1:vals@', { records: [done('vals', { output })] });
    expect(items(panel)).toHaveLength(JSON_TREE_PAGE + 2); // the root, a page of keys, "show more"
    const more = within(section(panel, 'Output')).getByRole('treeitem', { name: /^Show 100 more/ });
    expect(more.textContent).toBe('Show 100 more (4900 not shown)');
    more.focus();
    await userEvent.keyboard('{Enter}');
    expect(items(panel)).toHaveLength(2 * JSON_TREE_PAGE + 2);
    expect(document.activeElement!.textContent).toBe('key100: 100'); // the first key it added
    fireEvent.click(within(section(panel, 'Output')).getByRole('treeitem', { name: /^Show 100 more/ }));
    expect(items(panel)).toHaveLength(3 * JSON_TREE_PAGE + 2);
  });

  it('the output as text and raw, with a copy of the whole JSON', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const output = { customer: { name: 'Ada' }, tags: ['vip', 'new'] };
    const panel = await inspect('run1:vals@', { records: [done('vals', { output })] });
    const out = section(panel, 'Output');
    await userEvent.click(within(out).getByRole('tab', { name: 'Text' }));
    expect(within(out).getByRole('tabpanel').textContent).toBe('customer.name: Ada\ntags[0]: vip\ntags[1]: new');
    await userEvent.keyboard('{ArrowRight}');
    expect(within(out).getByRole('tab', { name: 'Raw' }).getAttribute('aria-selected')).toBe('true');
    expect(JSON.parse(within(out).getByRole('tabpanel').textContent!)).toEqual(output);
    await userEvent.click(within(out).getByRole('button', { name: 'Copy output' }));
    expect(writeText).toHaveBeenCalledWith(JSON.stringify(output, null, 2));
  });
});
