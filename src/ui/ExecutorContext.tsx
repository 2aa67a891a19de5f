import { createContext, useContext, type ReactNode } from 'react';
import type { ExecutorApi } from '../worker/api';

let starting: Promise<ExecutorApi> | undefined;

/** The worker client is a lazy chunk: the first command loads and starts it. */
function loadExecutor(): Promise<ExecutorApi> {
  starting ??= import('../worker/client').then((m) => m.getExecutor() as unknown as ExecutorApi);
  return starting;
}

const lazyExecutor = new Proxy({} as ExecutorApi, {
  get:
    (_target, name) =>
    async (...args: unknown[]) => {
      const api = await loadExecutor();
      return (api[name as keyof ExecutorApi] as (...a: unknown[]) => Promise<unknown>)(...args);
    },
});

/** Run commands go to the executor worker over Comlink; tests pass an in-process executor. */
const ExecutorContext = createContext<ExecutorApi>(lazyExecutor);

export function ExecutorProvider({ executor, children }: { executor?: ExecutorApi; children: ReactNode }) {
  return <ExecutorContext.Provider value={executor ?? lazyExecutor}>{children}</ExecutorContext.Provider>;
}

export function useExecutor(): ExecutorApi {
  return useContext(ExecutorContext);
}
