import type { ImportPreview } from '../schema/importer';
import type { BundleCheck } from '../schema/runBundle';
import type { CheckReply, CheckRequest } from './importCheck';
import { errorMessage } from '../schema/errorMessage';

/** What checking import text came to: a preview, or why there is none. */
export type ImportVerdict =
  | { kind: 'checked'; preview: ImportPreview }
  /** The text is a run bundle (src/schema/runBundle.ts): its check. */
  | { kind: 'bundle'; check: BundleCheck }
  | { kind: 'timed-out'; seconds: number }
  | { kind: 'failed'; message: string };

export type CheckImport = (text: string, options: { knownWorkflows: readonly string[] }) => Promise<ImportVerdict>;

/** A verdict later than this ends the check: the worker is terminated and nothing is imported. */
export const IMPORT_CHECK_TIMEOUT_MS = 15_000;

/** The part of a Worker the checker uses, so tests can stand in for one. */
export type CheckWorker = Pick<Worker, 'postMessage' | 'terminate' | 'addEventListener'>;

function spawnCheckWorker(): CheckWorker {
  return new Worker(new URL('./validation.worker.ts', import.meta.url), {
    type: 'module',
    name: 'tabflow-import-check',
  });
}

/**
 * Checks each text in a worker of its own, ended as soon as it answers or the time is up: a file
 * that would take a checker a minute costs the page nothing, and no stuck worker is reused.
 */
export function createImportChecker(
  spawn: () => CheckWorker = spawnCheckWorker,
  timeoutMs = IMPORT_CHECK_TIMEOUT_MS,
): CheckImport {
  let nextId = 1;
  return (text, { knownWorkflows }) =>
    new Promise<ImportVerdict>((resolve) => {
      const id = nextId++;
      let worker: CheckWorker;
      try {
        worker = spawn();
      } catch (error) {
        resolve({ kind: 'failed', message: `the file checker could not start (${describe(error)})` });
        return;
      }
      const finish = (verdict: ImportVerdict) => {
        clearTimeout(timer);
        worker.terminate();
        resolve(verdict);
      };
      const timer = setTimeout(() => finish({ kind: 'timed-out', seconds: Math.ceil(timeoutMs / 1000) }), timeoutMs);
      worker.addEventListener('message', (event: MessageEvent<CheckReply>) => {
        const reply = event.data;
        if (reply?.id !== id) return;
        finish(
          reply.kind === 'bundle'
            ? { kind: 'bundle', check: reply.check }
            : { kind: 'checked', preview: reply.preview },
        );
      });
      worker.addEventListener('error', (event: ErrorEvent) => {
        event.preventDefault?.();
        finish({ kind: 'failed', message: `the file checker stopped (${event.message || 'it could not be loaded'})` });
      });
      worker.addEventListener('messageerror', () =>
        finish({ kind: 'failed', message: 'the file checker sent an unreadable answer' }),
      );
      const request: CheckRequest = { id, text, knownWorkflows: [...knownWorkflows] };
      worker.postMessage(request);
    });
}

function describe(error: unknown): string {
  return errorMessage(error).slice(0, 200);
}

/** The page's checker (a worker per check). */
export const checkImportText: CheckImport = createImportChecker();
