import { parentPort } from 'node:worker_threads';
import { previewWorkflowText, type ImportPreview } from '../../src/schema/importer';
import { decodeSharePayload, ShareLinkError } from '../../src/schema/share';
import { checkImportedFile, compileImportedFile } from './checks';
import { runImportedFile } from './engineRun';
import { hostileFile, type HostileFile } from './hostileFiles';
import { loadSchemaCheck } from './schemaCheck';
import type { FileResult, FileTask } from './verdictProtocol';

/**
 * Runs in a worker thread: generates each file from its seed, gives it a verdict and checks what an
 * imported file holds, while a canary timer measures the longest time this thread was blocked.
 */

const CANARY_INTERVAL_MS = 5;
/** Wall time for the engine to take an importable file's run to the end (fake clock: waits are instant). */
const ENGINE_RUN_BUDGET_MS = 3_000;
const MAX_PROBLEMS = 1_000;
const MAX_MESSAGE_CHARS = 2_000;

let lastTick = performance.now();
let longestGap = 0;
setInterval(() => {
  const now = performance.now();
  longestGap = Math.max(longestGap, now - lastTick - CANARY_INTERVAL_MS);
  lastTick = now;
}, CANARY_INTERVAL_MS);

/** Resolves after the canary has ticked again, so a block that just ended is counted. */
async function canaryCaughtUp(): Promise<void> {
  const since = lastTick;
  while (lastTick === since) await new Promise((resolve) => setTimeout(resolve, 1));
}

const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort().join();

function verdictFailures(file: HostileFile, preview: ImportPreview): string[] {
  const failures: string[] = [];
  if (typeof preview?.ok !== 'boolean') return ['the verdict is not a preview'];
  if (preview.ok && !preview.file) failures.push('importable but carries no file');
  if (!preview.ok && preview.problems.length === 0) failures.push('refused without a problem saying why');
  if (file.expect === 'refused' && preview.ok) failures.push('imported a file that must be refused');
  if (preview.problems.length > MAX_PROBLEMS)
    failures.push(`reported ${preview.problems.length.toLocaleString('en')} problems (no cap)`);
  for (const problem of preview.problems.slice(0, MAX_PROBLEMS)) {
    if (typeof problem.message !== 'string' || problem.message === '')
      failures.push(`a problem without a message at ${problem.path}`);
    else if (problem.message.length > MAX_MESSAGE_CHARS)
      failures.push(`a ${problem.message.length}-character message at ${problem.path.slice(0, 80)}`);
    else if (/\n\s+at /.test(problem.message)) failures.push(`a stack trace in a message at ${problem.path}`);
    if (typeof problem.path !== 'string' || !problem.path.startsWith('$'))
      failures.push(`a problem without a JSON path: ${String(problem.path).slice(0, 80)}`);
  }
  return [...new Set(failures)].slice(0, 5);
}

function pollution(): string[] {
  const failures: string[] = [];
  if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== prototypeKeys)
    failures.push('Object.prototype gained a property');
  if (({} as Record<string, unknown>).polluted !== undefined) failures.push('({}).polluted is set');
  if ((globalThis as Record<string, unknown>).polluted !== undefined) failures.push('globalThis.polluted is set');
  return failures;
}

/** Opening a share link decodes it first: a refusal there is a verdict too, shown as one problem. */
async function verdictOf(file: HostileFile): Promise<ImportPreview> {
  if (file.form === 'text') return previewWorkflowText(file.text);
  let text: string;
  try {
    text = await decodeSharePayload(file.text);
  } catch (error) {
    if (!(error instanceof ShareLinkError)) throw error;
    return {
      ok: false,
      file: undefined,
      summary: undefined,
      migrated: [],
      syntax: undefined,
      draft: undefined,
      problems: [{ severity: 'error', code: 'share-link', path: '$', segments: [], message: error.message }],
    };
  }
  return previewWorkflowText(text);
}

async function handle(
  task: FileTask,
  schemaCheck: Awaited<ReturnType<typeof loadSchemaCheck>>['check'],
): Promise<FileResult> {
  const file = await hostileFile(task.index, task.baseSeed);
  const result: FileResult = {
    index: task.index,
    seed: file.seed,
    kind: file.kind,
    bytes: file.text.length,
    ok: false,
    verdictMs: 0,
    compileMs: 0,
    checksMs: 0,
    runMs: 0,
    runStatus: '',
    runBlockMs: 0,
    blockMs: 0,
    checksBlockMs: 0,
    expressions: 0,
    schemas: 0,
    failures: [],
  };
  // Generating the file is the harness's work, not the app's: start the canary's window after it.
  await canaryCaughtUp();
  longestGap = 0;
  const started = performance.now();
  let preview: ImportPreview;
  try {
    preview = await verdictOf(file);
  } catch (error) {
    result.failures.push(
      `the importer threw ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error)}`,
    );
    return result;
  }
  result.verdictMs = performance.now() - started;
  await canaryCaughtUp();
  result.blockMs = longestGap;
  result.ok = preview.ok;
  result.failures.push(...verdictFailures(file, preview));
  if (preview.ok && preview.file) {
    const compileStarted = performance.now();
    result.failures.push(...compileImportedFile(preview.file));
    result.compileMs = performance.now() - compileStarted;
    await canaryCaughtUp();
    longestGap = 0;
    const checksStarted = performance.now();
    const findings = await checkImportedFile(preview.file, schemaCheck);
    result.checksMs = performance.now() - checksStarted;
    await canaryCaughtUp();
    result.checksBlockMs = longestGap;
    result.blockMs = Math.max(result.blockMs, result.compileMs, longestGap);
    longestGap = 0;
    const runStarted = performance.now();
    const run = await runImportedFile(preview.file, ENGINE_RUN_BUDGET_MS);
    result.runMs = performance.now() - runStarted;
    await canaryCaughtUp();
    result.runStatus = run.status;
    result.runBlockMs = longestGap;
    result.blockMs = Math.max(result.blockMs, longestGap);
    result.failures.push(...run.failures);
    result.expressions = findings.expressions;
    result.schemas = findings.schemas;
    result.failures.push(...findings.failures);
  }
  result.failures.push(...pollution());
  return result;
}

const port = parentPort!;
const schemaCheck = await loadSchemaCheck();
port.postMessage({ type: 'ready', validator: schemaCheck.name });
port.on('message', (task: FileTask) => {
  void handle(task, schemaCheck.check).then((result) => port.postMessage({ type: 'result', result }));
});
