import { validateJsonSchema } from '../../src/schema/jsonSchemaValidator';
import { describe, expect, it } from 'vitest';
import { buildExportFile, exportText, exportFileName } from '../../src/schema/exporter';
import { previewWorkflowText } from '../../src/schema/importer';
import { workflowJsonSchema } from '../../src/schema/jsonSchema';
import { buildShareLink, decodeSharePayload, shareDataFromHash } from '../../src/schema/share';
import { validateWorkflowFile } from '../../src/schema/validate';
import type { WorkflowDefinition, WorkflowFile } from '../../src/schema/workflow';
import { TEMPLATES } from '../../src/templates';

const noChildren = () => undefined;

describe('built-in templates', () => {
  it.each(TEMPLATES.map((t) => [t.id, t]))('%s validates without problems', (_id, template) => {
    expect(validateWorkflowFile(template.doc).problems).toEqual([]);
  });

  it.each(TEMPLATES.map((t) => [t.id, t]))('%s: export → import is an identity', (_id, template) => {
    const exported = buildExportFile(template.doc, noChildren);
    const text = exportText(exported);
    const preview = previewWorkflowText(text);
    expect(preview.ok).toBe(true);
    expect(preview.file).toEqual(exported);
    expect(preview.file!.workflowConfig).toEqual(template.doc.workflowConfig);
    expect(preview.file!.stepsConfig).toEqual(template.doc.stepsConfig);
    expect(exportText(buildExportFile(preview.file!, noChildren))).toBe(text);
  });

  it.each(TEMPLATES.map((t) => [t.id, t]))('%s: a share link carries it intact', async (_id, template) => {
    const text = exportText(buildExportFile(template.doc, noChildren));
    const link = await buildShareLink(text, 'https://app.example/#old');
    expect(link.startsWith('https://app.example/#workflow=')).toBe(true);
    const data = shareDataFromHash(new URL(link).hash)!;
    expect(data).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await decodeSharePayload(data)).toBe(text);
  });

  it.each(TEMPLATES.map((t) => [t.id, t]))('%s satisfies the published JSON Schema', (_id, template) => {
    const result = validateJsonSchema(workflowJsonSchema(), buildExportFile(template.doc, noChildren));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

describe('export', () => {
  const child: WorkflowDefinition = {
    workflowConfig: {
      name: 'Child',
      config: { secrets: { TOKEN: { kind: 'local', description: 'API token', value: 'sk-secret-value' } as never } },
    },
    stepsConfig: [{ stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {} }],
  };
  const parent: WorkflowFile = {
    workflowConfig: {
      name: 'Parent',
      config: { secrets: { KEY: { kind: 'local', value: 'another-secret' } as never } },
    },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'sub' },
      },
      { stepSlug: 'sub', name: 'Sub', stepType: 'subworkflow', config: { workflow: 'Child' }, nextSteps: {} },
    ],
  };

  it('bundles the subworkflows a workflow calls', () => {
    const file = buildExportFile(parent, (name) => (name === 'Child' ? child : undefined));
    expect(file.bundledWorkflows?.map((w) => w.workflowConfig.name)).toEqual(['Child']);
    const preview = previewWorkflowText(exportText(file));
    expect(preview.ok).toBe(true);
    expect(preview.summary!.bundled).toEqual(['Child']);
  });

  it('never carries a secret value, even one typed into a declaration', () => {
    const text = exportText(buildExportFile(parent, (name) => (name === 'Child' ? child : undefined)));
    expect(text).not.toContain('sk-secret-value');
    expect(text).not.toContain('another-secret');
    expect(text).toContain('"description": "API token"');
  });

  it('names files after the workflow', () => {
    expect(exportFileName('Single Customer Status Assessment')).toBe('single-customer-status-assessment.workflow.json');
    expect(exportFileName('###')).toBe('workflow.workflow.json');
  });
});
