import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { withoutEchoedSecrets } from '../../../src/engine/echoedSecrets';
import type { HttpRequest } from '../../../src/engine/runtime';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { workflowSecretName } from '../../../src/store/keyVault';
import { storedWorkflowSecrets } from '../../../src/worker/echoedSecrets';
import { SecretsService } from '../../../src/worker/secrets';
import { createTestEngine } from '../../support/engine';
import { chain, http } from '../../support/flows';

const dbs: TabflowDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.delete()));
});

describe('the tab journals a secret a server echoes back as its placeholder, as tabflow run and the worker do', () => {
  it('the stored secret sent in a header and echoed in the body and a header is in no step record', async () => {
    const db = new TabflowDb(`echo-${crypto.randomUUID()}`);
    dbs.push(db);
    const secrets = new SecretsService(db);
    const token = `tok-${crypto.randomUUID()}`;
    await secrets.save(workflowSecretName('TOKEN'), token);
    await secrets.save(workflowSecretName('UNUSED'), 'never-sent-value');
    const sent: HttpRequest[] = [];
    // A server that sends back what it was sent.
    const echo = async (request: HttpRequest) => {
      sent.push(request);
      const auth = request.headers.authorization ?? '';
      return {
        status: 200,
        statusText: 'OK',
        headers: { 'x-echo': auth },
        body: { youSent: auth, body: request.body },
      };
    };
    // As the executor wires it (src/worker/executor.worker.ts).
    const runner = withoutEchoedSecrets(echo, () => storedWorkflowSecrets(secrets));
    const t = createTestEngine({
      deps: {
        store: new DexieEngineStore(db),
        runners: { http: runner },
        secret: (name) => secrets.read(workflowSecretName(name)),
        isHostApproved: async () => true,
      },
    });
    const workflow = chain(
      'Echo',
      [
        http('call', 'https://api.example.com/echo', {
          headers: { authorization: 'Bearer {{secrets.TOKEN}}' },
          body: { token: '{{secrets.TOKEN}}' },
        }),
      ],
      { allowedHosts: ['api.example.com'], secrets: { TOKEN: { kind: 'local' } } },
    );
    const run = await t.engine.awaitRun(await t.engine.start({ workflow, input: {} }));
    t.engine.shutdown();
    expect(run.status).toBe('completed');
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${token}`);
    const steps = await db.steps.toArray();
    expect(JSON.stringify(steps)).not.toContain(token);
    expect(steps.find((s) => s.slug === 'call')!.output).toMatchObject({
      headers: { 'x-echo': 'Bearer {{secrets.TOKEN}}' },
      body: { youSent: 'Bearer {{secrets.TOKEN}}', body: '{"token":"{{secrets.TOKEN}}"}' },
    });
  });
});
