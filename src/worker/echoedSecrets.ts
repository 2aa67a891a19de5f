import type { SecretEntry } from '../engine/echoedSecrets';
import { workflowSecretName } from '../store/keyVault';
import type { SecretsService } from './secrets';

const WORKFLOW_SECRET = workflowSecretName('');

/**
 * The workflow secrets stored in this browser, by the name a workflow uses (`{{secrets.NAME}}`), read at each
 * request for `withoutEchoedSecrets` (an answer echoing one is journaled with its placeholder, as `tabflow run` and
 * the DBOS worker journal it). Locked ones are left out: a request could not have sent them either.
 */
export async function storedWorkflowSecrets(secrets: SecretsService): Promise<SecretEntry[]> {
  const names = (await secrets.state()).names.filter((name) => name.startsWith(WORKFLOW_SECRET));
  const entries: SecretEntry[] = [];
  for (const stored of names) {
    const value = await secrets.read(stored);
    if (value) entries.push([stored.slice(WORKFLOW_SECRET.length), value]);
  }
  return entries;
}
