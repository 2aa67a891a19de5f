import { readFile, stat } from 'node:fs/promises';
import { previewWorkflowText } from '../schema/importer';
import { parseJsonText } from '../schema/jsonText';
import { LIMITS } from '../schema/limits';
import { describeProblem } from '../schema/problems';
import { bundleProblemText, looksLikeRunBundle, RUN_BUNDLE_LIMITS, type RunBundle } from '../schema/runBundle';
import { formatBytes } from '../schema/share';
import type { WorkflowFile } from '../schema/workflow';
import { checkRunBundleForImport } from '../store/bundleCheck';
import type { RunArgs } from './runArgs';
import { errorMessage } from '../schema/errorMessage';

/** What the file named on the command line holds: a workflow to start, or a run bundle to continue. */
export type LoadedFile =
  | { kind: 'workflow'; workflow: WorkflowFile; notes: string[] }
  | { kind: 'bundle'; bundle: RunBundle }
  | { kind: 'refused'; message: string };

/** Problems listed per file, as the import preview lists them; the rest is counted. */
const PROBLEMS_SHOWN = 20;

/**
 * Reads and checks the file exactly as the tab's import does (`previewWorkflowText`: strict or relaxed JSON, the
 * same limits, every problem with its JSON path) or, for a run bundle, as the tab opens one. Never throws.
 */
export async function loadRunFile(path: string): Promise<LoadedFile> {
  let text: string;
  try {
    text = await readText(path);
  } catch (error) {
    return { kind: 'refused', message: `cannot read ${path}: ${fileError(error)}` };
  }
  if (looksLikeRunBundle(text)) {
    const checked = checkRunBundleForImport(text);
    return checked.ok
      ? { kind: 'bundle', bundle: checked.bundle }
      : { kind: 'refused', message: `${path} is not a usable run bundle: ${bundleProblemText(checked.problem)}` };
  }
  const preview = previewWorkflowText(text);
  if (!preview.ok || !preview.file) {
    const errors = preview.problems.filter((p) => p.severity === 'error');
    const listed = errors.slice(0, PROBLEMS_SHOWN).map((p) => `  ${describeProblem(p)}`);
    if (errors.length > PROBLEMS_SHOWN) listed.push(`  … and ${errors.length - PROBLEMS_SHOWN} more`);
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    return { kind: 'refused', message: `${path} is not a runnable workflow (${count}):\n${listed.join('\n')}` };
  }
  const notes = [
    ...(preview.syntax === 'relaxed' ? [`${path} is relaxed JSON (JSON5): read as the JSON it converts to`] : []),
    ...preview.migrated.map((m) => `${path}: ${m}`),
  ];
  return { kind: 'workflow', workflow: preview.file, notes };
}

/** The run's input: `--input` text, a `--input-file`, or `{}`; a problem names where it came from. */
export async function loadInput(
  input: RunArgs['input'],
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  if (input.kind === 'none') return { ok: true, value: {} };
  let text = input.text;
  if (input.source === '--input-file') {
    try {
      text = await readText(input.text);
    } catch (error) {
      return { ok: false, message: `cannot read the input file ${input.text}: ${fileError(error)}` };
    }
  }
  const parsed = parseJsonText(text, { relaxed: false });
  if (!parsed.ok) {
    const where = input.source === '--input' ? '--input' : `the input file ${input.text}`;
    return { ok: false, message: `${where} is not valid JSON: ${parsed.problems.map(describeProblem).join('; ')}` };
  }
  return { ok: true, value: parsed.value };
}

/** The largest file read at all: a run bundle's limit (a workflow's, smaller, is the import check's to name). */
const MAX_FILE_BYTES = Math.max(RUN_BUNDLE_LIMITS.bytes, LIMITS.importBytes);

async function readText(path: string): Promise<string> {
  const size = (await stat(path)).size;
  if (size > MAX_FILE_BYTES) throw new Error(`it is ${formatBytes(size)}; the limit is ${formatBytes(MAX_FILE_BYTES)}`);
  return readFile(path, 'utf8');
}

function fileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return errorMessage(error).slice(0, 200);
}
