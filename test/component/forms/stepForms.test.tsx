import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { validateWorkflowFile } from '../../../src/schema/validate';
import { everyStepWorkflow, pathOfSlug } from '../../support/everyStep';
import { changedPaths, renderPanel } from './harness';

/** Once the form has read what it loads (last run, secret names), it still has written nothing. */
const settle = () =>
  waitFor(() => expect(screen.getByTestId('step-form').getAttribute('data-state')).toBe('ready'), { timeout: 10_000 });

/** For each step (every type, every action): a field to change, how, and the value the file must then hold. */
const EDITS: Array<{ slug: string; label: RegExp; value: string; path: (string | number)[]; expected: unknown }> = [
  { slug: 'start', label: /^Data \(JSON\)/, value: '{"a": 1}', path: ['config', 'data'], expected: { a: 1 } },
  { slug: 'classify', label: /^Model/, value: 'demo', path: ['config', 'llmNode', 'model'], expected: 'demo' },
  { slug: 'route', label: /^Rule 1: branch/, value: 'other', path: ['config', 'rules', 0, 'next'], expected: 'other' },
  {
    slug: 'notify',
    label: /^Values/,
    value: '{"note": "urgent {{input.customerId}}", "n": 2}',
    path: ['config', 'values', 'n'],
    expected: 2,
  },
  { slug: 'hold', label: /^Most rows/, value: '7', path: ['config', 'limit'], expected: 7 },
  { slug: 'each', label: /^Items at once/, value: '3', path: ['config', 'concurrency'], expected: 3 },
  { slug: 'line', label: /^Expression/, value: 'loop.index', path: ['config', 'expression'], expected: 'loop.index' },
  { slug: 'tally', label: /^Insert when no row/, value: 'yes', path: ['config', 'upsert'], expected: true },
  { slug: 'fan', label: /^Continue when/, value: 'any', path: ['config', 'join'], expected: 'any' },
  { slug: 'call', label: /^Method/, value: 'PUT', path: ['config', 'method'], expected: 'PUT' },
  { slug: 'nap', label: /^Duration/, value: '2500', path: ['config', 'durationMs'], expected: 2500 },
  { slug: 'review', label: /^Question/, value: 'OK?', path: ['config', 'prompt'], expected: 'OK?' },
  { slug: 'ping', label: /^Event name/, value: 'pong', path: ['config', 'event'], expected: 'pong' },
  { slug: 'child', label: /^Workflow/, value: 'Other', path: ['config', 'workflow'], expected: 'Other' },
];

describe('step forms: a form per step type round-trips its JSON', () => {
  it.each(EDITS)(
    '$slug: unchanged on load; an edit changes exactly $path',
    async ({ slug, label, value, path, expected }) => {
      const file = everyStepWorkflow();
      const stepPath = pathOfSlug(file, slug);
      const panel = renderPanel(file, stepPath);
      await settle();
      expect(panel.changes).toEqual([]);
      expect(panel.current()).toEqual(everyStepWorkflow());

      fireEvent.change(screen.getByLabelText(label), { target: { value } });
      expect(panel.changes).toHaveLength(1);
      const next = panel.current();
      expect(changedPaths(file, next)).toEqual([[...stepPath, ...path]]);
      expect(panel.changes[0]!.group).toMatch(/^field:\$\.stepsConfig/);
      let at: unknown = next;
      for (const segment of [...stepPath, ...path]) at = (at as Record<string, unknown>)[segment];
      expect(at).toEqual(expected);
    },
  );

  it('every step type has its form (a heading and no "unknown step type")', async () => {
    const file = everyStepWorkflow();
    for (const slug of ['start', 'classify', 'route', 'notify', 'each', 'fan', 'nap', 'review', 'ping', 'child']) {
      const panel = renderPanel(file, pathOfSlug(file, slug));
      expect(screen.getByTestId('step-form').textContent).not.toMatch(/unknown step type/);
      panel.unmount();
    }
  });

  it('a typing burst in one field is one group; another field is another group', async () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'review'));
    await panel.user.type(screen.getByLabelText(/^Question/), ' Now');
    await panel.user.type(screen.getByLabelText(/^Name/), 'X');
    const groups = [...new Set(panel.changes.map((c) => c.group))];
    expect(groups).toEqual(['field:$.stepsConfig[7].config.prompt', 'field:$.stepsConfig[7].name']);
    expect((panel.current().stepsConfig[7] as { config: { prompt: string } }).config.prompt).toBe(
      'Approve {{input.customerId}}? Now',
    );
  });

  it('a JSON field shows the parse error and writes nothing until the JSON parses', async () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'notify'));
    const values = screen.getByLabelText(/^Values/);
    fireEvent.change(values, { target: { value: '{"note": ' } });
    expect(panel.changes).toEqual([]);
    expect(screen.getByText(/^not valid JSON:/)).toBeTruthy();
    fireEvent.change(values, { target: { value: '[1]' } });
    expect(screen.getByText('must be a JSON object')).toBeTruthy();
    expect(panel.changes).toEqual([]);
    fireEvent.change(values, { target: { value: '{"note": "x"}' } });
    expect(panel.changes).toHaveLength(1);
    expect(screen.queryByText(/^not valid JSON:/)).toBeNull();
  });

  it('an edit from another view replaces the draft and its parse error', () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'notify'));
    const values = screen.getByLabelText(/^Values/) as HTMLTextAreaElement;
    fireEvent.change(values, { target: { value: '{"note": ' } });
    expect(screen.getByText(/^not valid JSON:/)).toBeTruthy();
    const elsewhere = structuredClone(file);
    (elsewhere.stepsConfig[3] as { config: { values: object } }).config.values = { other: true };
    panel.replaceFile(elsewhere);
    expect(values.value).toBe('{\n  "other": true\n}');
    expect(screen.queryByText(/^not valid JSON:/)).toBeNull();
    expect(values.getAttribute('aria-invalid')).toBeNull();
  });

  it('a number field refuses text that is not a number, and an empty optional one removes its key', () => {
    const file = everyStepWorkflow();
    const stepPath = pathOfSlug(file, 'hold');
    const panel = renderPanel(file, stepPath);
    const limit = screen.getByLabelText(/^Most rows/);
    fireEvent.change(limit, { target: { value: 'ten' } });
    expect(screen.getByText('"ten" is not a number')).toBeTruthy();
    expect(panel.changes).toEqual([]);
    fireEvent.change(limit, { target: { value: '' } });
    expect(changedPaths(file, panel.current())).toEqual([[...stepPath, 'config', 'limit']]);
    expect('limit' in (panel.current().stepsConfig[4] as { config: object }).config).toBe(false);
  });

  it('tools are offered by name; checking one adds exactly it', () => {
    const file = everyStepWorkflow();
    const stepPath = pathOfSlug(file, 'classify');
    const panel = renderPanel(file, stepPath);
    const tools = screen.getByRole('group', { name: 'Tools' });
    expect(within(tools).getAllByRole('checkbox')).toHaveLength(5);
    fireEvent.click(within(tools).getByRole('checkbox', { name: /table_query/ }));
    expect(changedPaths(file, panel.current())).toEqual([[...stepPath, 'config', 'llmNode', 'tools', 1]]);
  });
});

describe('step forms: inline validation', () => {
  it('a field shows the message and the summary the JSON path the JSON view reports', () => {
    const file = everyStepWorkflow();
    const classify = file.stepsConfig[1] as { config: { llmNode: { model: string; tools: string[] } } };
    classify.config.llmNode.model = '';
    classify.config.llmNode.tools = ['customer_search', 'teleport'];
    const jsonView = validateWorkflowFile(file, { knownWorkflows: ['Helper'] }).problems;
    const model = jsonView.find((p) => p.path === '$.stepsConfig[1].config.llmNode.model')!;
    const tool = jsonView.find((p) => p.path === '$.stepsConfig[1].config.llmNode.tools[1]')!;
    expect(model.message).toBeTruthy();
    expect(tool.message).toMatch(/unknown tool "teleport"/);

    renderPanel(file, ['stepsConfig', 1]);
    const input = screen.getByLabelText(/^Model/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const describedBy = input.getAttribute('aria-describedby')!.split(' ');
    const messages = describedBy.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    expect(messages).toContain(model.message);
    expect(within(screen.getByRole('group', { name: 'Tools' })).getByText(tool.message)).toBeTruthy();
    const summary = screen.getByRole('region', { name: 'Problems in this step' });
    expect(within(summary).getByText(model.path)).toBeTruthy();
    expect(within(summary).getByText(tool.path)).toBeTruthy();
  });

  it('a nextSteps target that does not exist shows on its row; problems of other steps do not show', () => {
    const file = everyStepWorkflow();
    (file.stepsConfig[3] as { nextSteps: Record<string, string> }).nextSteps = { success: 'nowhere' };
    (file.stepsConfig[7] as { config: { prompt: unknown } }).config.prompt = 5;
    renderPanel(file, ['stepsConfig', 3]);
    const row = screen.getByLabelText(/on success go to/);
    expect(row.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByText('nextSteps.success points to "nowhere", but no step has that slug')).toHaveLength(2);
    expect(screen.queryByText(/stepsConfig\[7\]/)).toBeNull();
  });

  it("a loop's form shows its own problems, not those of the steps in its body", () => {
    const file = everyStepWorkflow();
    const loop = file.stepsConfig[5] as { config: { steps: Array<{ config: Record<string, unknown> }> } };
    loop.config.steps[0]!.config.expression = '(';
    renderPanel(file, ['stepsConfig', 5]);
    expect(screen.queryByRole('region', { name: 'Problems in this step' })).toBeNull();
  });
});

describe('step forms: slug rename', () => {
  it('renames on blur and updates the nextSteps and references that name the step', () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, ['stepsConfig', 1]);
    const slug = screen.getByLabelText(/^Slug/);
    fireEvent.change(slug, { target: { value: 'label' } });
    expect(panel.changes).toEqual([]);
    fireEvent.blur(slug);
    const next = panel.current();
    expect(changedPaths(file, next)).toEqual([
      ['stepsConfig', 0, 'nextSteps', 'default'],
      ['stepsConfig', 1, 'stepSlug'],
      ['stepsConfig', 2, 'config', 'rules', 0, 'when'],
    ]);
    expect((next.stepsConfig[2] as unknown as { config: { rules: [{ when: string }] } }).config.rules[0].when).toBe(
      "steps.label.output.label = 'urgent'",
    );
    expect(validateWorkflowFile(next, { knownWorkflows: ['Helper'] }).problems).toEqual([]);
  });

  it('refuses a slug another step has, saying so, and changes nothing', () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, ['stepsConfig', 1]);
    const slug = screen.getByLabelText(/^Slug/);
    fireEvent.change(slug, { target: { value: 'route' } });
    fireEvent.keyDown(slug, { key: 'Enter' });
    expect(
      screen.getByText('another step is already called "route"; slugs are unique across the workflow'),
    ).toBeTruthy();
    expect(panel.changes).toEqual([]);
  });

  it('nextSteps targets are chosen from the steps of the same body', () => {
    const file = everyStepWorkflow();
    renderPanel(file, pathOfSlug(file, 'line'));
    const target = screen.getByLabelText(/on success go to/);
    expect(
      within(target)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['tally']);
  });
});

describe('step forms: branches', () => {
  it("a condition's rule and its default pick their target steps (nextSteps of the rule's key)", () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, ['stepsConfig', 2]);
    const rule = screen.getByLabelText('Rule 1: then go to') as HTMLSelectElement;
    expect(rule.value).toBe('notify');
    fireEvent.change(rule, { target: { value: 'hold' } });
    expect(changedPaths(file, panel.current())).toEqual([['stepsConfig', 2, 'nextSteps', 'urgent']]);
    const otherwise = screen.getByLabelText('Otherwise go to') as HTMLSelectElement;
    expect(otherwise.value).toBe('hold');
    fireEvent.change(otherwise, { target: { value: '' } });
    expect((panel.current().stepsConfig[2] as { nextSteps: object }).nextSteps).toEqual({ urgent: 'hold' });
  });

  it('a parallel step adds a branch with one step, renames a branch in place, removes one', () => {
    const file = everyStepWorkflow();
    const fan = pathOfSlug(file, 'fan');
    const panel = renderPanel(file, fan);
    fireEvent.click(screen.getByRole('button', { name: 'Add branch' }));
    const branches = () =>
      (panel.current().stepsConfig[6] as { config: { branches: Record<string, unknown[]> } }).config.branches;
    expect(Object.keys(branches())).toEqual(['a', 'b', 'branch_3']);
    expect(branches().branch_3).toHaveLength(1);
    expect(validateWorkflowFile(panel.current(), { knownWorkflows: ['Helper'] }).problems).toEqual([]);

    const [first] = screen.getAllByLabelText('Branch');
    fireEvent.change(first!, { target: { value: 'b' } });
    fireEvent.blur(first!);
    expect(screen.getByText('there is already a branch "b"')).toBeTruthy();
    fireEvent.change(first!, { target: { value: 'alpha' } });
    fireEvent.keyDown(first!, { key: 'Enter' });
    expect(Object.keys(branches())).toEqual(['alpha', 'b', 'branch_3']);

    fireEvent.click(screen.getByRole('button', { name: 'Remove branch branch_3 and its steps' }));
    expect(Object.keys(branches())).toEqual(['alpha', 'b']);
  });
});
