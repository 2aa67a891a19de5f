import type { Clock } from '../engine/clock';
import type { EngineDeps } from '../engine/runtime';
import type { EngineStore } from '../engine/store';
import { createDemoModel, isDemoModelId } from '../llm/demo';
import { createModelRunner } from '../llm/modelRunner';
import { isHostAllowed } from '../schema/hosts';
import type { WorkflowFile } from '../schema/workflow';
import { providersFromEnv, secretVariable, type Env, type ModelProviderChoice } from './environment';
import { nodeHttpWithoutEchoes } from './echoedSecrets';

export interface EmbeddedOptions {
  store: EngineStore;
  clock: Clock;
  env: Env;
  /** Validated by `chooseModelProvider`; undefined: from the environment. */
  modelProvider?: ModelProviderChoice;
  /** Hosts the user allowed with `--allow-host`, read like allowedHosts entries: requests there need no question. */
  allowedHosts?: ReadonlySet<string>;
  /** Workflows a subworkflow step may call by name: the file's `bundledWorkflows`. */
  workflows?: readonly WorkflowFile[];
  /** The demo model's pace; default its own (60 tokens/s). */
  demoTokensPerSecond?: number;
  onChange?(runId: string): void;
}

/**
 * The engine wired for a headless run, as the tab's executor wires it (src/worker/executor.worker.ts) with Node in
 * place of the browser: providers and secrets from the environment by name, the demo model when none is set, http
 * through Node's fetch, hosts answered by `--allow-host` (any other host waits, and the command says how to go on).
 */
export function embeddedEngineDeps(options: EmbeddedOptions): EngineDeps {
  const { env, clock } = options;
  const { settings, keyVariables } = providersFromEnv(env, options.modelProvider);
  const sleep = (ms: number, signal?: AbortSignal) => clock.sleepUntil(clock.now() + ms, signal);
  const model = createModelRunner({
    settings: async () => settings,
    key: envKeyReader(env, keyVariables),
    demoModel: (id) =>
      createDemoModel({
        modelId: isDemoModelId(id) ? id : undefined,
        sleep,
        ...(options.demoTokensPerSecond ? { tokensPerSecond: options.demoTokensPerSecond } : {}),
      }),
    now: () => clock.now(),
    sleep,
  });
  const workflows = options.workflows ?? [];
  const allowedHosts = [...(options.allowedHosts ?? [])];
  return {
    store: options.store,
    clock,
    // An answer echoing a secret is journaled with its placeholder, never the value (`echoedSecrets.ts`).
    runners: { http: nodeHttpWithoutEchoes(env), model },
    secret: async (name) => env[secretVariable(name)],
    findWorkflow: async (name) => workflows.find((w) => w.workflowConfig.name === name),
    isHostApproved: async (_hash, host) => isHostAllowed(host, allowedHosts),
    ...(options.onChange ? { onChange: options.onChange } : {}),
  };
}

/** An entry's key, read at each round from the environment variable named for it (never kept). */
export function envKeyReader(env: Env, keyVariables: Record<string, string>) {
  return async (providerId: string): Promise<string | undefined> => {
    const variable = keyVariables[providerId];
    return variable ? env[variable]?.trim() || undefined : undefined;
  };
}
