import type { WorkflowFile } from '../../schema/workflow';
import type { TabflowDb, WorkflowRecord } from '../../store/db';
import { createWorkflow, uniqueName } from '../../store/workflows';
import type { Template } from '../../templates';

/** Adds a copy of a built-in template to the library, under a name not taken yet. */
export async function createFromTemplate(db: TabflowDb, template: Template): Promise<WorkflowRecord> {
  const doc = structuredClone(template.doc);
  doc.workflowConfig.name = await uniqueName(db, template.doc.workflowConfig.name);
  return createWorkflow(db, doc, { templateId: template.id });
}

/** The smallest workflow that validates: a manual trigger to build on. */
export async function createBlankWorkflow(db: TabflowDb): Promise<WorkflowRecord> {
  const doc: WorkflowFile = {
    workflowConfig: { name: await uniqueName(db, 'Untitled workflow'), description: '', workflowType: 'predefined' },
    stepsConfig: [{ stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' } }],
  };
  return createWorkflow(db, doc);
}
