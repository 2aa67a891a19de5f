import type { Page } from 'playwright-core';

interface StoredStep {
  slug: string;
  kind: string;
  output: unknown;
  provider: string | undefined;
}

/** A run's output and its steps' outputs and answering providers, read from IndexedDB as stored. */
export function storedRun(page: Page, runId: string): Promise<{ output: unknown; steps: StoredStep[] }> {
  return page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const request = indexedDB.open('tabflow');
      request.onsuccess = () => done(request.result);
      request.onerror = () => fail(request.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((done) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => done(request.result as T[]);
      });
    type Step = {
      runId: string;
      seq: number;
      slug: string;
      kind: string;
      output: unknown;
      meta?: { provider?: string };
    };
    const run = (await all<{ id: string; output: unknown }>('runs')).find((r) => r.id === id);
    const steps = (await all<Step>('steps'))
      .filter((s) => s.runId === id && s.kind === 'step')
      .sort((a, b) => a.seq - b.seq)
      .map((s) => ({ slug: s.slug, kind: s.kind, output: s.output, provider: s.meta?.provider }));
    db.close();
    return { output: run?.output, steps };
  }, runId);
}
