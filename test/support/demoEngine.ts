import { FakeClock } from '../../src/engine/clock';
import { createDemoModel, isDemoModelId } from '../../src/llm/demo';
import { createModelRunner } from '../../src/llm/modelRunner';
import { DEMO_CUSTOMERS } from '../../src/store/demoData';
import { createTestEngine } from './engine';

/** The executor's own model runner with no provider configured: every LLM step runs on the demo model. */
export function demoEngine() {
  const clock = new FakeClock();
  const sleep = (ms: number, signal?: AbortSignal) => clock.sleepUntil(clock.now() + ms, signal);
  const model = createModelRunner({
    settings: async () => ({ providers: [] }),
    key: async () => undefined,
    demoModel: (id) => createDemoModel({ modelId: isDemoModelId(id) ? id : undefined, sleep }),
    now: () => clock.now(),
    sleep: (ms, signal) => sleep(ms, signal),
  });
  const t = createTestEngine({ clock, runners: { model } });
  for (const row of DEMO_CUSTOMERS) t.data.table('customers').set(row.id, { ...row });
  return t;
}
