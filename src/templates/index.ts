import type { WorkflowFile } from '../schema/workflow';
import singleCustomerStatus from './single-customer-status.json';
import weatherOutfitChain from './weather-outfit-chain.json';
import parallelAnalysis from './parallel-analysis.json';
import supportRouting from './support-routing.json';
import approvalBeforeUpdate from './approval-before-update.json';
import invoiceExtraction from './invoice-extraction.json';
import customerDigest from './customer-digest.json';

/** Built-in templates. Each must validate without errors (test/unit/templates.test.ts). */
export interface Template {
  id: string;
  doc: WorkflowFile;
}

export const TEMPLATES: readonly Template[] = [
  { id: 'single-customer-status', doc: singleCustomerStatus as unknown as WorkflowFile },
  { id: 'weather-outfit-chain', doc: weatherOutfitChain as unknown as WorkflowFile },
  { id: 'parallel-analysis', doc: parallelAnalysis as unknown as WorkflowFile },
  { id: 'support-routing', doc: supportRouting as unknown as WorkflowFile },
  { id: 'approval-before-update', doc: approvalBeforeUpdate as unknown as WorkflowFile },
  { id: 'invoice-extraction', doc: invoiceExtraction as unknown as WorkflowFile },
  { id: 'customer-digest', doc: customerDigest as unknown as WorkflowFile },
];

export function findTemplate(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
