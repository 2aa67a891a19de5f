import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowFile } from '../../../src/schema/workflow';

/** An http side effect, a demo-model answer, optionally a sleep, then a human approval. */
export function effectWorkflow(origin: string, options: { sleepMs?: number; approval?: boolean } = {}): WorkflowFile {
  const steps: Record<string, unknown>[] = [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual', data: { order: '{{input.order}}' } },
      nextSteps: { default: 'charge' },
    },
    {
      stepSlug: 'charge',
      name: 'Charge',
      stepType: 'action',
      config: { action: 'http', method: 'POST', url: `${origin}/charge`, body: { order: '{{trigger.data.order}}' } },
      nextSteps: { success: 'summary' },
    },
    {
      stepSlug: 'summary',
      name: 'Summary',
      stepType: 'llm',
      config: {
        llmNode: { name: 'summary', model: 'demo', userPrompt: 'Summarise order {{trigger.data.order}}', tools: [] },
      },
      nextSteps: { success: options.sleepMs ? 'pause' : options.approval === false ? 'ship' : 'approve' },
    },
  ];
  if (options.sleepMs) {
    steps.push({
      stepSlug: 'pause',
      name: 'Pause',
      stepType: 'wait',
      config: { durationMs: options.sleepMs },
      nextSteps: { default: options.approval === false ? 'ship' : 'approve' },
    });
  }
  if (options.approval !== false) {
    steps.push({
      stepSlug: 'approve',
      name: 'Approve',
      stepType: 'approval',
      config: { prompt: 'Ship order {{trigger.data.order}}?' },
      nextSteps: { approved: 'ship', rejected: 'ship' },
    });
  }
  steps.push({
    stepSlug: 'ship',
    name: 'Ship',
    stepType: 'action',
    config: { action: 'http', method: 'POST', url: `${origin}/ship`, body: { order: '{{trigger.data.order}}' } },
    nextSteps: {},
  });
  return {
    workflowConfig: {
      name: 'Order',
      config: {
        inputSchema: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
        allowedHosts: [new URL(origin).host],
      },
    },
    stepsConfig: steps,
  } as unknown as WorkflowFile;
}

export function writeWorkflow(workflow: WorkflowFile): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tabflow-wf-')), 'workflow.json');
  writeFileSync(path, JSON.stringify(workflow));
  return path;
}
