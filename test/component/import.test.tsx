import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../src/schema/limits';
import { buildShareLink } from '../../src/schema/share';
import type { WorkflowFile } from '../../src/schema/workflow';
import { createWorkflow, listWorkflows } from '../../src/store/workflows';
import { TEMPLATES } from '../../src/templates';
import { freshDb, libraryNames, renderApp, workflowItems } from './helpers';

const TEMPLATE = TEMPLATES[0]!.doc;
const NAME = TEMPLATE.workflowConfig.name;

/** The preview once its check (in the worker stand-in) has answered. */
async function previewDialog() {
  const dialog = await screen.findByRole('dialog', { name: 'Import preview' });
  await waitFor(() => expect(within(dialog).queryByText('Checking…')).toBeNull());
  return dialog;
}

function jsonFile(text: string, name = 'workflow.json') {
  return new File([text], name, { type: 'application/json' });
}

function child(name: string, message = 'hello'): WorkflowFile {
  return {
    workflowConfig: { name },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'say' },
      },
      { stepSlug: 'say', name: 'Say', stepType: 'action', config: { action: 'set', values: { message } } },
    ],
  };
}

function parentCalling(name: string, bundled: WorkflowFile[]): WorkflowFile {
  return {
    workflowConfig: { name: 'Parent' },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'call' },
      },
      { stepSlug: 'call', name: 'Call child', stepType: 'subworkflow', config: { workflow: name } },
    ],
    bundledWorkflows: bundled,
  };
}

async function chooseFile(user: ReturnType<typeof renderApp>['user'], file: File) {
  await user.upload(screen.getByLabelText('Workflow file'), file);
}

describe('import', () => {
  test('invalid JSON pasted into the paste dialog shows the error and imports nothing', async () => {
    const db = freshDb();
    await createWorkflow(db, structuredClone(TEMPLATE));
    const app = renderApp(db);
    await app.user.click(screen.getByRole('button', { name: 'Paste JSON' }));
    const paste = screen.getByRole('dialog', { name: 'Paste JSON' });
    fireEvent.change(within(paste).getByRole('textbox'), {
      target: { value: '{ "workflowConfig": { "name": "x", } ' },
    });
    await app.user.click(within(paste).getByRole('button', { name: 'Preview import' }));

    const dialog = await previewDialog();
    expect(within(dialog).getByText(/not valid JSON/)).toBeTruthy();
    const importButton = within(dialog).getByRole('button', { name: 'Import' }) as HTMLButtonElement;
    expect(importButton.disabled).toBe(true);
    await app.user.click(importButton);
    await app.user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await libraryNames(db)).toEqual([NAME]);
  });

  test('a valid file goes through the preview, imports on "Import" and opens', async () => {
    const app = renderApp();
    await chooseFile(app.user, jsonFile(JSON.stringify(TEMPLATE), 'status.json'));
    const dialog = await previewDialog();
    expect(within(dialog).getByRole('heading', { name: NAME })).toBeTruthy();
    expect(within(dialog).getByText(/5 steps/)).toBeTruthy();
    expect(await libraryNames(app.db)).toEqual([]);

    await app.user.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await libraryNames(app.db)).toEqual([NAME]);
    expect(((await screen.findByRole('textbox', { name: 'Workflow name' })) as HTMLInputElement).value).toBe(NAME);
    const [record] = await listWorkflows(app.db);
    expect(record!.doc.stepsConfig).toEqual(TEMPLATE.stepsConfig);
  });

  test('importing a name that is taken stores it under a unique name', async () => {
    const db = freshDb();
    await createWorkflow(db, structuredClone(TEMPLATE));
    const app = renderApp(db);
    await chooseFile(app.user, jsonFile(JSON.stringify(TEMPLATE)));
    await app.user.click(within(await previewDialog()).getByRole('button', { name: 'Import' }));
    await waitFor(async () => expect(await libraryNames(db)).toEqual([NAME, `${NAME} (2)`]));
  });

  test('a file over the size limit is refused without being read whole', async () => {
    const app = renderApp();
    const huge = new File([new Uint8Array(LIMITS.importBytes + 10)], 'huge.json');
    await chooseFile(app.user, huge);
    const dialog = await previewDialog();
    expect(within(dialog).getByText(/the limit is 4\.0 MB/)).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
  });

  test('a file dropped on the window opens the preview', async () => {
    renderApp();
    const file = jsonFile(JSON.stringify(TEMPLATE));
    const dataTransfer = { types: ['Files'], files: [file] };
    fireEvent(window, Object.assign(new Event('dragenter'), { dataTransfer }));
    expect(screen.getByText('Drop a workflow JSON file to import')).toBeTruthy();
    fireEvent(window, Object.assign(new Event('drop', { cancelable: true }), { dataTransfer }));
    expect(within(await previewDialog()).getByRole('heading', { name: NAME })).toBeTruthy();
    expect(screen.queryByText('Drop a workflow JSON file to import')).toBeNull();
  });

  test('pasting workflow JSON outside a text field opens the preview', async () => {
    renderApp();
    const event = Object.assign(new Event('paste', { bubbles: true }), {
      clipboardData: { getData: () => JSON.stringify(TEMPLATE) },
    });
    fireEvent(document.body, event);
    expect(within(await previewDialog()).getByRole('heading', { name: NAME })).toBeTruthy();
  });

  test('a share link in location.hash opens the preview and never imports by itself', async () => {
    const link = await buildShareLink(JSON.stringify(TEMPLATE), 'http://localhost:3000/');
    history.replaceState(null, '', `/${link.slice(link.indexOf('#'))}`);
    const app = renderApp();
    const dialog = await previewDialog();
    expect(within(dialog).getByRole('heading', { name: NAME })).toBeTruthy();
    await new Promise((r) => setTimeout(r, 50));
    expect(await libraryNames(app.db)).toEqual([]);

    await app.user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(location.hash).toBe('');
    expect(await libraryNames(app.db)).toEqual([]);
  });

  test('a share link arriving by hashchange imports only on "Import"; then the address is the workflow’s', async () => {
    const app = renderApp();
    const link = await buildShareLink(JSON.stringify(TEMPLATE), location.href);
    history.replaceState(null, '', link.slice(link.indexOf('#')));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await app.user.click(within(await previewDialog()).getByRole('button', { name: 'Import' }));
    await waitFor(async () => expect(await libraryNames(app.db)).toEqual([NAME]));
    expect(location.hash).toBe(`#/w/${(await listWorkflows(app.db))[0]!.id}/json`);
  });

  test('a damaged share link explains itself and imports nothing', async () => {
    history.replaceState(null, '', '/#workflow=AAAA$$');
    const app = renderApp();
    const dialog = await previewDialog();
    expect(within(dialog).getByText(/damaged or incomplete/)).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
    expect(await libraryNames(app.db)).toEqual([]);
  });

  test('bundled subworkflows become library entries and leave the parent document', async () => {
    const app = renderApp();
    const file = parentCalling('Greeter', [child('Greeter')]);
    await chooseFile(app.user, jsonFile(JSON.stringify(file)));
    const dialog = await previewDialog();
    expect(within(dialog).getAllByText('Greeter').length).toBeGreaterThan(0);
    await app.user.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(async () => expect(await libraryNames(app.db)).toEqual(['Greeter', 'Parent']));
    const parent = (await listWorkflows(app.db)).find((w) => w.name === 'Parent')!;
    expect(parent.doc.bundledWorkflows).toBeUndefined();
    await waitFor(() => expect(workflowItems()).toHaveLength(2));
  });

  test(
    'an identical bundled workflow is reused; ' + 'a different one of the same name is renamed and the call rewritten',
    async () => {
      const db = freshDb();
      await createWorkflow(db, child('Greeter'));
      await createWorkflow(db, child('Shouter', 'HEY'));
      const app = renderApp(db);
      const file = parentCalling('Greeter', [child('Greeter'), child('Shouter', 'different')]);
      file.stepsConfig.push({
        stepSlug: 'shout',
        name: 'Shout',
        stepType: 'subworkflow',
        config: { workflow: 'Shouter' },
      });
      file.stepsConfig[1]!.nextSteps = { success: 'shout' };
      await chooseFile(app.user, jsonFile(JSON.stringify(file)));
      await app.user.click(within(await previewDialog()).getByRole('button', { name: 'Import' }));

      await waitFor(async () =>
        expect(await libraryNames(db)).toEqual(['Greeter', 'Parent', 'Shouter', 'Shouter (2)']),
      );
      const parent = (await listWorkflows(db)).find((w) => w.name === 'Parent')!;
      const calls = parent.doc.stepsConfig
        .filter((s) => s.stepType === 'subworkflow')
        .map((s) => (s.config as { workflow: string }).workflow);
      expect(calls).toEqual(['Greeter', 'Shouter (2)']);
    },
  );
});
