import * as Comlink from 'comlink';
import { RESUME_WORKER_NAME, type BenchApi, type BenchPage, type ResumeFigure } from './protocol';

interface ResumeApi {
  resumed(): Promise<ResumeFigure>;
  timeOrigin(): number;
}

function startWorker(name: string): Worker {
  return new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name });
}

let worker = startWorker('bench');

window.bench = {
  worker: Comlink.wrap<BenchApi>(worker),
  async resume() {
    worker.terminate();
    const createdAt = performance.timeOrigin + performance.now();
    worker = startWorker(RESUME_WORKER_NAME);
    const resuming = Comlink.wrap<ResumeApi>(worker);
    const figure = await resuming.resumed();
    // The worker's clock starts when it is created; this checks that against the page's clock.
    const workerClockSkewMs = (await resuming.timeOrigin()) - createdAt;
    return { ...figure, workerClockSkewMs };
  },
} satisfies BenchPage;
document.body.dataset.ready = 'true';
