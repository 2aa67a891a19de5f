import { answerCheck, type CheckRequest } from '../../src/worker/importCheck';

/**
 * jsdom has no Worker: this stand-in runs the import check worker's job in-process, a task later,
 * so the page's real client (time limit, terminate) is what component tests exercise.
 */
export class InlineWorker extends EventTarget {
  private ended = false;

  constructor(url: string | URL) {
    super();
    if (!new URL(String(url), 'file:///').pathname.endsWith('/validation.worker.ts'))
      throw new Error(`no in-process stand-in for the worker ${String(url)}`);
  }

  postMessage(request: CheckRequest): void {
    setTimeout(() => {
      if (!this.ended) this.dispatchEvent(new MessageEvent('message', { data: answerCheck(request) }));
    }, 0);
  }

  terminate(): void {
    this.ended = true;
  }
}
