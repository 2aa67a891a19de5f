import * as Comlink from 'comlink';
import type { ExecutorApi } from './api';
import { installErrorTransfer } from './errorTransfer';

let executor: Comlink.Remote<ExecutorApi> | undefined;

/** The executor worker of this tab, started on first use. The UI's only way to command runs. */
export function getExecutor(): Comlink.Remote<ExecutorApi> {
  if (!executor) {
    const worker = new Worker(new URL('./executor.worker.ts', import.meta.url), {
      type: 'module',
      name: 'tabflow-executor',
    });
    installErrorTransfer();
    executor = Comlink.wrap<ExecutorApi>(worker);
  }
  return executor;
}
