import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { previewWorkflowText } from '../../src/schema/importer';
import { decodeSharePayload, shareDataFromHash } from '../../src/schema/share';
import type { WorkflowFile } from '../../src/schema/workflow';
import { createWorkflow } from '../../src/store/workflows';
import { TEMPLATES } from '../../src/templates';
import { denyClipboard, downloads } from './browserFakes';
import { freshDb, renderApp, templateUseButton } from './helpers';

const TEMPLATE = TEMPLATES[0]!;

async function openTemplate() {
  const app = renderApp();
  await app.user.click(templateUseButton(TEMPLATE.id));
  await screen.findByRole('textbox', { name: 'Workflow name' });
  return app;
}

describe('export and share', () => {
  test('the exported file round-trips through the importer with the same steps', async () => {
    const app = await openTemplate();
    await app.user.click(screen.getByRole('button', { name: 'Export file' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(downloads[0]!.fileName).toBe('single-customer-status-assessment.workflow.json');
    const preview = previewWorkflowText(await downloads[0]!.text, { knownWorkflows: [] });
    expect(preview.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(preview.ok).toBe(true);
    expect(preview.file!.stepsConfig).toEqual(TEMPLATE.doc.stepsConfig);
    expect(await screen.findByText(/Exported single-customer-status-assessment/)).toBeTruthy();
  });

  test('export bundles the saved subworkflows a workflow calls', async () => {
    const db = freshDb();
    const childDoc: WorkflowFile = {
      workflowConfig: { name: 'Child' },
      stepsConfig: [{ stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' } }],
    };
    await createWorkflow(db, childDoc);
    const parent = await createWorkflow(db, {
      workflowConfig: { name: 'Parent' },
      stepsConfig: [
        {
          stepSlug: 'start',
          name: 'Start',
          stepType: 'trigger',
          config: { type: 'manual' },
          nextSteps: { default: 'call' },
        },
        { stepSlug: 'call', name: 'Call', stepType: 'subworkflow', config: { workflow: 'Child' } },
      ],
    });
    const app = renderApp(db);
    await app.user.click(await screen.findByRole('button', { name: /^Parent/ }));
    await screen.findByRole('textbox', { name: 'Workflow name' });
    await app.user.click(screen.getByRole('button', { name: 'Export file' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    const file = JSON.parse(await downloads[0]!.text) as WorkflowFile;
    expect(file.workflowConfig.name).toBe(parent.name);
    expect(file.bundledWorkflows?.map((b) => b.workflowConfig.name)).toEqual(['Child']);
  });

  test('"Copy share link" copies a link that decodes to the workflow and says how long it is', async () => {
    const app = await openTemplate();
    await app.user.click(screen.getByRole('button', { name: 'Copy share link' }));
    const toast = await screen.findByText(/Link copied \([\d,]+ characters\)/);
    expect(toast.textContent).not.toMatch(/chat apps/);
    const link = await navigator.clipboard.readText();
    expect(link.startsWith(`${location.href.split('#')[0]}#workflow=`)).toBe(true);
    const text = await decodeSharePayload(shareDataFromHash(new URL(link).hash)!);
    expect(JSON.parse(text).stepsConfig).toEqual(TEMPLATE.doc.stepsConfig);
  });

  test('a share link over 8,000 characters comes with a warning', async () => {
    const db = freshDb();
    const noise = Array.from({ length: 12_000 }, () => Math.random().toString(36)[2]).join('');
    await createWorkflow(db, { ...structuredClone(TEMPLATE.doc), workflowConfig: { name: 'Big', description: noise } });
    const app = renderApp(db);
    await app.user.click(await screen.findByRole('button', { name: /^Big/ }));
    await app.user.click(await screen.findByRole('button', { name: 'Copy share link' }));
    expect(await screen.findByText(/some chat apps cut links over 8,000 characters/i)).toBeTruthy();
  });

  test('"Copy JSON" falls back gracefully when the clipboard is denied', async () => {
    const app = await openTemplate();
    denyClipboard();
    await app.user.click(screen.getByRole('button', { name: 'Copy JSON' }));
    expect(await screen.findByText(/did not allow copying/)).toBeTruthy();
  });
});
