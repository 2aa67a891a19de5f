import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../../src/cli/main';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'bin/tabflow.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tabflow …` in this process, its output captured; the demo model fast unless the test says otherwise. */
export async function tabflow(argv: string[], env: Record<string, string> = {}, signal?: AbortSignal) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    ...(signal ? { signal } : {}),
  });
  return { code, stdout, stderr } satisfies CliResult;
}

export const FAST_DEMO = ['--demo-speed', '100000'];

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tabflow-cli-'));
}

/** Writes `value` as JSON into a new temporary directory; returns the file's path. */
export function jsonFile(value: unknown, name = 'workflow.json'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

/** A child `node bin/tabflow.mjs …` (the command as npx runs it), with its output as it comes. */
export function spawnTabflow(argv: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<CliResult>((done) =>
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), ...output })),
  );
  return { child, output, exited };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP server that records every request and answers with `answer`. */
export async function localServer(answer: (request: SeenRequest, response: ServerResponse) => void) {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      answer(request, res);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    host: `127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
