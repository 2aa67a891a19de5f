import { systemClock } from '../engine/clock';
import { MemoryStore } from '../engine/memoryStore';
import type { Runners } from '../engine/runtime';
import { embeddedEngineDeps } from '../cli/embedded';
import { positiveNumber } from '../cli/environment';

export interface ServerEffects {
  runners: Runners;
  secret(name: string): Promise<string | undefined>;
}

/**
 * A worker's side effects are `tabflow run`'s (`src/cli/embedded.ts`), so a workflow behaves the same in both: the
 * providers the environment names by variable (`TABFLOW_BASE_URL`, `OPENAI_API_KEY`…), the demo model otherwise
 * (`TABFLOW_DEMO_TOKENS_PER_SECOND` paces it), Node's fetch, workflow secrets `TABFLOW_SECRET_<NAME>`. The server
 * asks no host question: a workflow reaches its own `allowedHosts`, nothing else. The store is never used here.
 */
export function serverEffects(env: NodeJS.ProcessEnv): ServerEffects {
  const pace = positiveNumber(env.TABFLOW_DEMO_TOKENS_PER_SECOND);
  const deps = embeddedEngineDeps({
    store: new MemoryStore(),
    clock: systemClock,
    env,
    ...(pace ? { demoTokensPerSecond: pace } : {}),
  });
  const secret = deps.secret ?? (async () => undefined);
  return { runners: deps.runners, secret };
}
