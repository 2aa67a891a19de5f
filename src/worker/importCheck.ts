import { previewWorkflowText, type ImportPreview } from '../schema/importer';

/** The messages between the page (`validationClient.ts`) and `validation.worker.ts`. */
export interface CheckRequest {
  id: number;
  text: string;
  knownWorkflows: string[];
}

export interface CheckReply {
  id: number;
  preview: ImportPreview;
}

/** The worker's whole job. previewWorkflowText never throws: every text gets a preview back. */
export function answerCheck({ id, text, knownWorkflows }: CheckRequest): CheckReply {
  return { id, preview: previewWorkflowText(text, { knownWorkflows }) };
}
