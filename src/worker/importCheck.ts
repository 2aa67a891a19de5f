import { previewWorkflowText, type ImportPreview } from '../schema/importer';
import { looksLikeRunBundle, type BundleCheck } from '../schema/runBundle';
import { checkRunBundleForImport } from '../store/bundleCheck';

/** The messages between the page (`validationClient.ts`) and `validation.worker.ts`. */
export interface CheckRequest {
  id: number;
  text: string;
  knownWorkflows: string[];
}

/** Routed by content: a run bundle gets its own check, anything else a workflow's preview. */
export type CheckReply =
  { id: number; kind: 'workflow'; preview: ImportPreview } | { id: number; kind: 'bundle'; check: BundleCheck };

/** The worker's whole job. previewWorkflowText never throws: every text gets a preview back. */
export function answerCheck({ id, text, knownWorkflows }: CheckRequest): CheckReply {
  if (looksLikeRunBundle(text)) return { id, kind: 'bundle', check: checkRunBundleForImport(text) };
  return { id, kind: 'workflow', preview: previewWorkflowText(text, { knownWorkflows }) };
}
