import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { getWorkflow } from '../../src/store/workflows';
import { TEMPLATES } from '../../src/templates';
import { libraryNames, renderApp, templateUseButton, workflowItems } from './helpers';

const TEMPLATE = TEMPLATES[0]!;
const NAME = TEMPLATE.doc.workflowConfig.name;

async function useFirstTemplate(app: ReturnType<typeof renderApp>) {
  await app.user.click(templateUseButton(TEMPLATE.id));
  await screen.findByRole('textbox', { name: 'Workflow name' });
}

describe('workflow library', () => {
  test('a fresh browser shows the welcome panel, an empty library and every template', async () => {
    renderApp();
    expect(screen.getByRole('heading', { name: /durable llm workflows/i })).toBeTruthy();
    expect(await screen.findByText(/nothing here yet/i)).toBeTruthy();
    expect(screen.getAllByTestId('template-item')).toHaveLength(TEMPLATES.length);
    expect(workflowItems()).toHaveLength(0);
  });

  test('using a template creates a workflow that opens and survives a remount', async () => {
    const app = renderApp();
    await useFirstTemplate(app);
    expect((screen.getByRole('textbox', { name: 'Workflow name' }) as HTMLInputElement).value).toBe(NAME);
    await waitFor(() => expect(workflowItems().map((el) => el.dataset.workflowName)).toEqual([NAME]));

    app.remount();
    await waitFor(() => expect(workflowItems().map((el) => el.dataset.workflowName)).toEqual([NAME]));
    expect(within(workflowItems()[0]!).getByText(/5 steps/)).toBeTruthy();
  });

  test('using the same template twice gives the copy a unique name', async () => {
    const app = renderApp();
    await useFirstTemplate(app);
    await app.user.click(templateUseButton(TEMPLATE.id));
    await waitFor(async () => expect(await libraryNames(app.db)).toEqual([NAME, `${NAME} (2)`]));
  });

  test('renaming on Enter updates the list and the stored document', async () => {
    const app = renderApp();
    await useFirstTemplate(app);
    const title = screen.getByRole('textbox', { name: 'Workflow name' });
    await app.user.clear(title);
    await app.user.type(title, 'Status check{Enter}');
    await waitFor(() => expect(workflowItems()[0]!.dataset.workflowName).toBe('Status check'));
    const [record] = await (await import('../../src/store/workflows')).listWorkflows(app.db);
    expect(record!.doc.workflowConfig.name).toBe('Status check');
  });

  test('an empty name is refused with a message and the old name stays', async () => {
    const app = renderApp();
    await useFirstTemplate(app);
    const title = screen.getByRole('textbox', { name: 'Workflow name' });
    await app.user.clear(title);
    await app.user.keyboard('{Enter}');
    expect((await screen.findByRole('alert')).textContent).toMatch(/needs a name/);
    await app.user.click(document.body);
    await waitFor(() => expect((title as HTMLInputElement).value).toBe(NAME));
    expect(await libraryNames(app.db)).toEqual([NAME]);
  });

  test('duplicate adds a copy and opens it', async () => {
    const app = renderApp();
    await useFirstTemplate(app);
    await app.user.click(screen.getByRole('button', { name: 'Duplicate' }));
    await waitFor(async () => expect(await libraryNames(app.db)).toEqual([NAME, `${NAME} copy`]));
    await waitFor(() =>
      expect((screen.getByRole('textbox', { name: 'Workflow name' }) as HTMLInputElement).value).toBe(`${NAME} copy`),
    );
  });

  test('delete hides the workflow and Undo brings it back unchanged', async () => {
    const app = renderApp();
    await useFirstTemplate(app);
    const id = (await (await import('../../src/store/workflows')).listWorkflows(app.db))[0]!.id;
    const before = await getWorkflow(app.db, id);

    await app.user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText(`Deleted “${NAME}”`)).toBeTruthy();
    await waitFor(() => expect(workflowItems()).toHaveLength(0));
    expect(screen.getByRole('heading', { name: /durable llm workflows/i })).toBeTruthy();

    await app.user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(workflowItems().map((el) => el.dataset.workflowName)).toEqual([NAME]));
    const after = await getWorkflow(app.db, id);
    expect(after!.deletedAt).toBeUndefined();
    expect(after!.doc).toEqual(before!.doc);
    await screen.findByRole('textbox', { name: 'Workflow name' });
  });

  test('a workflow with validation errors shows a red badge in the list', async () => {
    const app = renderApp();
    await useFirstTemplate(app);
    const { saveWorkflowDoc, listWorkflows } = await import('../../src/store/workflows');
    const [record] = await listWorkflows(app.db);
    const doc = structuredClone(record!.doc);
    doc.stepsConfig[0]!.nextSteps = { default: 'nowhere' };
    await saveWorkflowDoc(app.db, record!.id, doc);
    await waitFor(() => expect(workflowItems()[0]!.querySelector('.badge-error')).not.toBeNull());
  });
});
