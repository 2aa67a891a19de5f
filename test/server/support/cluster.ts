import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runServerCommand } from '../../../src/server/cli';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = resolve(import.meta.dirname, 'workerMain.ts');

export interface WorkerProcess {
  executorId: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far (its log). */
  log(): string;
  exited: Promise<number | null>;
}

/** Starts `tabflow worker` in its own process; resolves once it is taking runs. */
export async function spawnWorker(
  databaseUrl: string,
  executorId: string,
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  // One process (node with tsx's loader, not the tsx wrapper), so SIGKILL kills the worker itself.
  const args = [
    '--import',
    'tsx',
    MAIN,
    'worker',
    '--database-url',
    databaseUrl,
    '--executor-id',
    executorId,
    ...flags,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TABFLOW_DEMO_TOKENS_PER_SECOND: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const ready = Date.now();
  while (!log.includes('is taking runs')) {
    if (child.exitCode !== null) throw new Error(`worker ${executorId} exited: ${log}`);
    if (Date.now() - ready > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`worker ${executorId} did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { executorId, child, log: () => log, exited };
}

/** SIGTERM (a clean DBOS shutdown), then SIGKILL if it has not exited within 10 s: no worker outlives its test. */
export async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGTERM');
  const killer = setTimeout(() => worker.child.kill('SIGKILL'), 10_000);
  await worker.exited;
  clearTimeout(killer);
}

/** Runs a server command in this process, as `tabflow` would; its exit code and output. */
export async function tabflow(databaseUrl: string, command: string, ...argv: string[]) {
  return tabflowWithEnv({}, databaseUrl, command, ...argv);
}

/** `tabflow` with more environment variables (secrets, say). */
export async function tabflowWithEnv(
  env: Record<string, string>,
  databaseUrl: string,
  command: string,
  ...argv: string[]
) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({ write: (chunk: Buffer, _encoding, done) => (append(chunk.toString()), done()) });
  const code = await runServerCommand(command, argv, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    env: { TABFLOW_DATABASE_URL: databaseUrl, ...env },
  });
  return { code, stdout: stdout.trim(), stderr: stderr.trim() };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
