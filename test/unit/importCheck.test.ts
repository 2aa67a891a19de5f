import { describe, expect, it } from 'vitest';
import { answerCheck, type CheckRequest } from '../../src/worker/importCheck';
import { createImportChecker, type CheckWorker } from '../../src/worker/validationClient';
import { TEMPLATES } from '../../src/templates';

/** A worker stand-in: `reply` decides what (if anything) it answers to a request. */
class FakeWorker extends EventTarget implements CheckWorker {
  terminated = false;
  constructor(private readonly reply: (worker: FakeWorker, request: CheckRequest) => void) {
    super();
  }
  postMessage(request: CheckRequest): void {
    setTimeout(() => this.reply(this, request), 0);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const TEXT = JSON.stringify(TEMPLATES[0]!.doc);

describe('the import checker (a worker per check, with a time limit)', () => {
  it("returns the worker's preview and ends the worker", async () => {
    const workers: FakeWorker[] = [];
    const check = createImportChecker(() => {
      const worker = new FakeWorker((w, request) =>
        w.dispatchEvent(new MessageEvent('message', { data: answerCheck(request) })),
      );
      workers.push(worker);
      return worker;
    });
    const verdict = await check(TEXT, { knownWorkflows: [] });
    expect(verdict.kind === 'checked' && verdict.preview.ok).toBe(true);
    expect(workers.map((w) => w.terminated)).toEqual([true]);
  });

  it('gives up on a worker that does not answer in time, terminating it', async () => {
    let worker: FakeWorker | undefined;
    const check = createImportChecker(() => (worker = new FakeWorker(() => undefined)), 50);
    const started = performance.now();
    expect(await check(TEXT, { knownWorkflows: [] })).toEqual({ kind: 'timed-out', seconds: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(worker!.terminated).toBe(true);
  });

  it('reports a worker that fails to start or stops with an error', async () => {
    const unstartable = createImportChecker(() => {
      throw new Error('blocked by policy');
    });
    expect(await unstartable(TEXT, { knownWorkflows: [] })).toEqual({
      kind: 'failed',
      message: 'the file checker could not start (blocked by policy)',
    });
    const crashing = createImportChecker(
      () => new FakeWorker((w) => w.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }))),
    );
    expect(await crashing(TEXT, { knownWorkflows: [] })).toEqual({
      kind: 'failed',
      message: 'the file checker stopped (out of memory)',
    });
  });
});
