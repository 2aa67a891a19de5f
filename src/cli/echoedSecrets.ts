import { withoutEchoedSecrets, type SecretEntry } from '../engine/echoedSecrets';
import type { Runners } from '../engine/runtime';
import { secretVariable, type Env } from './environment';
import { nodeHttp } from './httpRunner';

const PREFIX = secretVariable('');

/** The workflow secrets of the environment (`TABFLOW_SECRET_<NAME>`), read at each request, never kept. */
export function workflowSecrets(env: Env): SecretEntry[] {
  return Object.entries(env).flatMap(([variable, value]) =>
    variable.startsWith(PREFIX) && value ? [[variable.slice(PREFIX.length), value] as const] : [],
  );
}

/**
 * Node's http for `tabflow run` and the DBOS worker: an answer echoing a secret value is journaled (and recorded
 * by DBOS) with its placeholder instead (`src/engine/echoedSecrets.ts`).
 */
export function nodeHttpWithoutEchoes(env: Env): NonNullable<Runners['http']> {
  return withoutEchoedSecrets(nodeHttp, () => workflowSecrets(env));
}
