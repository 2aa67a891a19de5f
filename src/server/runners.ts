import { systemClock } from '../engine/clock';
import type { ModelRound, ModelRunner } from '../engine/llmTypes';
import { MemoryStore } from '../engine/memoryStore';
import type { Runners } from '../engine/runtime';
import { resolveWithKey } from '../llm/providers';
import { embeddedEngineDeps, envKeyReader } from '../cli/embedded';
import { positiveNumber, providersFromEnv } from '../cli/environment';

export interface ServerEffects {
  runners: Runners & { model: ModelRunner };
  secret(name: string): Promise<string | undefined>;
  /** The provider entries the environment configures (each gets a request queue when a limit is set). */
  providerIds: string[];
  /** The entry that answers a round (the model runner's own choice), or undefined for the demo model. */
  providerOf(round: ModelRound): Promise<string | undefined>;
}

/**
 * A worker's side effects are `tabflow run`'s (`src/cli/embedded.ts`), so a workflow behaves the same in both: the
 * providers the environment names by variable (`TABFLOW_BASE_URL`, `OPENAI_API_KEY`…), the demo model otherwise
 * (`TABFLOW_DEMO_TOKENS_PER_SECOND` paces it), Node's fetch, workflow secrets `TABFLOW_SECRET_<NAME>`. The server
 * asks no host question: a workflow reaches its own `allowedHosts`, nothing else. The store is never used here.
 * A request limit is not kept per process here: the worker's provider queues (`providerQueues.ts`) hold it for all.
 */
export function serverEffects(env: NodeJS.ProcessEnv): ServerEffects {
  const pace = positiveNumber(env.TABFLOW_DEMO_TOKENS_PER_SECOND);
  const deps = embeddedEngineDeps({
    store: new MemoryStore(),
    clock: systemClock,
    env: { ...env, TABFLOW_REQUESTS_PER_MINUTE: undefined },
    ...(pace ? { demoTokensPerSecond: pace } : {}),
  });
  const secret = deps.secret ?? (async () => undefined);
  const { settings, keyVariables } = providersFromEnv(env, undefined);
  const readKey = envKeyReader(env, keyVariables);
  return {
    runners: { ...deps.runners, model: deps.runners.model! },
    secret,
    providerIds: settings.providers.map((provider) => provider.id),
    providerOf: async (round) => {
      const { resolved } = await resolveWithKey(settings, round.provider, round.model, readKey);
      return resolved.kind === 'configured' ? resolved.provider.id : undefined;
    },
  };
}
