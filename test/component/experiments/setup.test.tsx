import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ExperimentRow } from '../../../src/schema/experiment';
import type { WorkflowFile } from '../../../src/schema/workflow';
import type { ExperimentSpecInput, ExperimentStartOptions } from '../../../src/worker/api';
import type { TabflowDb } from '../../../src/store/db';
import { importTableRows } from '../../../src/store/tableImport';
import { createWorkflow } from '../../../src/store/workflows';
import { App } from '../../../src/ui/App';
import { ExperimentSetup } from '../../../src/ui/experiments/ExperimentSetup';
import type { ExecutorApi } from '../../../src/worker/api';
import { freshDb, renderWithExecutor } from '../helpers';

const WORKFLOW: WorkflowFile = {
  workflowConfig: {
    name: 'Summarize',
    config: {
      inputSchema: {
        type: 'object',
        properties: { topic: { type: 'string' }, max_words: { type: 'number' }, formal: { type: 'boolean' } },
        required: ['topic', 'max_words'],
      },
    },
  },
  stepsConfig: [
    {
      stepSlug: 'write',
      name: 'Write',
      stepType: 'llm',
      config: {
        llmNode: {
          name: 'Write',
          model: 'demo-echo',
          provider: 'demo',
          userPrompt: 'About {{input.topic}}',
          tools: [],
        },
      },
    },
  ],
} as WorkflowFile;

interface Started {
  spec: ExperimentSpecInput;
  rows: ExperimentRow[];
  options: ExperimentStartOptions | undefined;
}

async function openSetup(prepare?: (db: TabflowDb) => Promise<unknown>) {
  const db = freshDb();
  await prepare?.(db);
  const record = await createWorkflow(db, structuredClone(WORKFLOW));
  const started: Started[] = [];
  const executor = {
    startExperiment: async (spec: ExperimentSpecInput, rows: ExperimentRow[], options?: ExperimentStartOptions) => {
      started.push({ spec, rows, options });
      return 'batch-1';
    },
  };
  const user = userEvent.setup();
  renderWithExecutor(db, executor, <ExperimentSetup workflowId={record.id} />);
  const form = await screen.findByRole('form', { name: 'Experiment setup' });
  const upload = async (text: string, name = 'rows.csv') => {
    await user.upload(
      within(form).getByLabelText('Rows file (CSV or JSON)'),
      new File([text], name, { type: 'text/csv' }),
    );
    // The file is read asynchronously: wait until its rows (or its problem) show.
    await waitFor(() => expect(within(form).queryByText(/rows?, columns:|a quoted field/)).not.toBeNull());
  };
  const start = () => within(form).getByRole('button', { name: /^Start/ });
  const select = (name: RegExp) => within(form).getByRole('combobox', { name }) as HTMLSelectElement;
  return { user, form, upload, start, select, started, workflowId: record.id };
}

const previewCells = () =>
  within(screen.getByRole('table', { name: /rows as they will run/ }))
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );

describe('the column mapping', () => {
  it('maps inputs to columns of the same name, case and underscores aside', async () => {
    const { upload, select, start } = await openSetup();
    await upload('Topic,MaxWords,notes\nowls,50,x\n');
    expect(select(/^topic/).value).toBe('Topic');
    expect(select(/^max_words/).value).toBe('MaxWords');
    expect(select(/^formal/).value).toBe('');
    expect(previewCells()).toEqual([['owls', '50', '—']]);
    expect((start() as HTMLButtonElement).disabled).toBe(false);
  });

  it('a required input without a column keeps Start disabled until the user maps one', async () => {
    const { user, upload, select, start, form } = await openSetup();
    await upload('subject,max_words\nowls,50\n');
    const alert = within(form).getByRole('alert');
    expect(alert.textContent).toContain('the required input topic has no column');
    expect((start() as HTMLButtonElement).disabled).toBe(true);
    await user.selectOptions(select(/^topic/), 'subject');
    expect(within(form).queryByRole('alert')).toBeNull();
    expect(previewCells()).toEqual([['owls', '50', '—']]);
    expect((start() as HTMLButtonElement).disabled).toBe(false);
  });

  it('names the row and column of a value of the wrong type, and of an empty required one', async () => {
    const { upload, start, form } = await openSetup();
    await upload('topic,max_words,formal\nowls,50,true\n,abc,yes\n');
    const items = within(within(form).getByRole('alert'))
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual([
      'row 2, column “topic”: empty, but topic is required',
      'row 2, column “max_words”: “abc” is not a number (max_words wants a number)',
      'row 2, column “formal”: “yes” is not true or false (formal wants true or false)',
    ]);
    expect((start() as HTMLButtonElement).disabled).toBe(true);
  });

  it('reads CSV text as the numbers and booleans the inputs want, and says so', async () => {
    const { upload, form } = await openSetup();
    await upload('topic,max_words,formal\n42,1.50,TRUE\n');
    const notes = within(within(form).getByRole('list', { name: 'Converted values' })).getAllByRole('listitem');
    expect(notes.map((li) => li.textContent)).toEqual([
      '“topic”: 1 value read as text',
      '“max_words”: 1 value read as number',
      '“formal”: 1 value read as boolean',
    ]);
    expect(previewCells()).toEqual([['42', '1.5', 'true']]);
  });

  it('a malformed file names its line, and nothing can start', async () => {
    const { upload, start, form } = await openSetup();
    await upload('topic,max_words\nowls,50\n"unclosed,3\n');
    expect(within(form).getByRole('alert').textContent).toContain('rows.csv: line 3: a quoted field is never closed');
    expect((start() as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('the setup flow', () => {
  it('starts the experiment with the checked rows, variants and evaluators, then opens its screen', async () => {
    const { user, upload, form, start, started, workflowId } = await openSetup();
    await upload('topic,max_words,expected\nowls,50,Owls\nbats,"20",Bats\n');
    expect(within(form).getByRole('combobox', { name: /^Expected/ })).toHaveProperty('value', 'expected');

    await user.click(within(form).getByRole('button', { name: 'Add a variant' }));
    const second = within(form)
      .getAllByRole('listitem')
      .find((li) => within(li).queryByDisplayValue('Variant 2'))!;
    await user.selectOptions(within(second).getByRole('combobox', { name: 'Provider' }), 'demo');
    await user.type(within(second).getByRole('textbox', { name: 'Model' }), 'demo-echo');
    await user.click(within(second).getByRole('checkbox', { name: 'Edit the prompt of “Write”' }));
    const prompt = within(second).getByRole('textbox', { name: 'User prompt of “Write”' });
    await user.clear(prompt);
    await user.type(prompt, 'Tell me about owls');

    await user.selectOptions(within(form).getByRole('combobox', { name: 'Check' }), 'regex');
    await user.click(within(form).getByRole('button', { name: 'Add evaluator' }));
    const check = within(form).getByRole('group', { name: /Evaluator: Matches a regex/ });
    expect((start() as HTMLButtonElement).disabled).toBe(true);
    expect(within(check).getByText('the pattern is empty')).toBeTruthy();
    await user.type(within(check).getByRole('textbox', { name: 'Pattern (RE2)' }), '(a');
    expect(within(check).getByText(/cannot be used \(patterns use RE2 syntax\)/)).toBeTruthy();
    await user.clear(within(check).getByRole('textbox', { name: 'Pattern (RE2)' }));
    await user.type(within(check).getByRole('textbox', { name: 'Pattern (RE2)' }), 'owl');

    await user.click(start());
    await waitFor(() => expect(started).toHaveLength(1));
    expect(started[0]!.rows).toEqual([
      { topic: 'owls', max_words: 50, expected: 'Owls' },
      { topic: 'bats', max_words: 20, expected: 'Bats' },
    ]);
    expect(started[0]!.options).toEqual({ fromText: true });
    expect(started[0]!.spec).toEqual({
      name: 'Summarize over rows',
      workflowId,
      source: { kind: 'file', fileName: 'rows.csv', format: 'csv' },
      mapping: { topic: 'topic', max_words: 'max_words' },
      variants: [
        { id: 'v1', label: 'Variant 1' },
        {
          id: 'v2',
          label: 'Variant 2',
          model: { model: 'demo-echo', provider: 'demo' },
          prompts: { write: 'Tell me about owls' },
        },
      ],
      evaluators: [
        { id: 'e1', label: 'Matches a regex', kind: 'regex', path: '', pattern: 'owl', caseInsensitive: false },
      ],
    });
    await waitFor(() => expect(window.location.hash).toBe('#/experiments/batch-1'));
  });

  it('a start the executor refuses says why and stays on the setup', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, structuredClone(WORKFLOW));
    const executor = {
      startExperiment: async () => {
        throw new Error('row 1, column “topic”: empty, but topic is required');
      },
    };
    const user = userEvent.setup();
    renderWithExecutor(db, executor, <ExperimentSetup workflowId={record.id} />);
    const form = await screen.findByRole('form', { name: 'Experiment setup' });
    await user.upload(
      within(form).getByLabelText('Rows file (CSV or JSON)'),
      new File(['topic,max_words\nx,1\n'], 'r.csv'),
    );
    await user.click(within(form).getByRole('button', { name: /^Start/ }));
    expect((await within(form).findByRole('alert')).textContent).toBe(
      "Couldn't start: row 1, column “topic”: empty, but topic is required",
    );
    expect(window.location.hash).not.toContain('experiments/');
  });

  it('a file dropped on the rows zone is read as rows, never offered as a workflow import', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, structuredClone(WORKFLOW));
    window.location.hash = `#/experiments/new/${record.id}`;
    const executor = new Proxy({}, { get: () => async () => undefined }) as ExecutorApi;
    render(<App db={db} executor={executor} />);
    const form = await screen.findByRole('form', { name: 'Experiment setup' }, { timeout: 5_000 });
    const zone = within(form).getByText('or drop a CSV or JSON file here').parentElement!;
    const file = new File(['topic,max_words\nowls,50\n'], 'dropped.csv', { type: 'text/csv' });
    fireEvent.drop(zone, { dataTransfer: { files: [file], types: ['Files'] } });
    await within(form).findByText('1 row, columns: topic, max_words');
    expect(screen.queryByRole('dialog', { name: 'Import preview' })).toBeNull();
  });

  it('a pasted list is one column, filling the first input', async () => {
    const { user, form, select, start } = await openSetup();
    await user.click(within(form).getByRole('radio', { name: 'A pasted list' }));
    await user.type(within(form).getByRole('textbox', { name: /One value per line/ }), 'owls{Enter}{Enter}bats');
    await within(form).findByText('2 rows, columns: topic');
    expect(select(/^topic/).value).toBe('topic');
    expect(within(form).getByRole('alert').textContent).toContain('the required input max_words has no column');
    expect((start() as HTMLButtonElement).disabled).toBe(true);
  });

  it('a local table’s rows, with its id column, run as they are stored', async () => {
    const { user, form, start, started } = await openSetup((db) =>
      importTableRows(db, 'topics', [{ topic: 'owls', max_words: 50 }]),
    );
    await user.click(within(form).getByRole('radio', { name: 'A local table' }));
    await within(form).findByRole('option', { name: 'topics (1 row)' });
    await user.selectOptions(within(form).getByRole('combobox', { name: 'Table' }), 'topics');
    await within(form).findByText('1 row, columns: topic, max_words, id');
    await user.click(start());
    await waitFor(() => expect(started).toHaveLength(1));
    expect(started[0]!.rows).toEqual([{ topic: 'owls', max_words: 50, id: 'row_1' }]);
    expect(started[0]!.spec.source).toEqual({ kind: 'table', table: 'topics' });
  });
});
