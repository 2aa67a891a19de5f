import { runRecordSchema, stepRecordSchema, threadMessageSchema } from '../engine/records';
import type { z } from 'zod';
import { problem, type PathSegment } from '../schema/problems';
import { checkRunBundleText, type BundleCheck, type RunBundle } from '../schema/runBundle';

/**
 * A run bundle checked as this app stores it: the format (src/schema/runBundle.ts), then every run, journal
 * record and message against the engine's own record schemas, so an imported run reads back like any other.
 * Pure (no Dexie): it runs in the import-check worker.
 */
export function checkRunBundleForImport(text: string): BundleCheck {
  const checked = checkRunBundleText(text);
  if (!checked.ok) return checked;
  const { bundle } = checked;
  const lists: Array<[keyof RunBundle & string, readonly unknown[], z.ZodType]> = [
    ['runs', bundle.runs, runRecordSchema],
    ['steps', bundle.steps, stepRecordSchema],
    ['messages', bundle.messages, threadMessageSchema],
  ];
  for (const [name, records, schema] of lists) {
    for (let i = 0; i < records.length; i++) {
      const parsed = schema.safeParse(records[i]);
      if (parsed.success) continue;
      const issue = parsed.error.issues[0]!;
      const segments = [name, i, ...issue.path.filter((s): s is PathSegment => typeof s !== 'symbol')];
      return { ok: false, problem: problem('error', 'bad-bundle', segments, issue.message) };
    }
  }
  return checked;
}
