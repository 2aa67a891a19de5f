import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/engine/echoedSecrets';
import { chain, http } from '../../support/flows';
import { jsonFile, localServer, tabflow, tempDir } from './harness';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server that sends back everything it was sent: the header in its body and in a header of its own. */
async function echoServer() {
  const server = await localServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(request.headers.authorization) });
    response.end(JSON.stringify({ youSent: request.headers.authorization, body: request.body }));
  });
  servers.push(server);
  return server;
}

describe('a secret a server echoes back is journaled as its placeholder, never its value', () => {
  it('tabflow run --store file: journal.jsonl holds {{secrets.TOKEN}} where the server echoed the token', async () => {
    const token = `tok-${crypto.randomUUID()}`;
    const server = await echoServer();
    const doc = chain(
      'Echo',
      [
        http('call', `http://${server.host}/echo`, {
          headers: { authorization: 'Bearer {{secrets.TOKEN}}' },
          body: { token: '{{secrets.TOKEN}}' },
        }),
      ],
      { allowedHosts: [server.host], secrets: { TOKEN: { kind: 'local' } } },
    );
    const dir = tempDir();
    const result = await tabflow(['run', jsonFile(doc), '--allow-host', server.host, '--store', `file:${dir}`], {
      TABFLOW_SECRET_TOKEN: token,
    });
    expect(result.code, result.stderr).toBe(0);
    // The server did get the value, and sent it back in its body and a header.
    expect(server.seen[0]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(server.seen[0]!.body).toContain(token);
    const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain(token);
    expect(journal).toContain('"youSent":"Bearer {{secrets.TOKEN}}"');
    expect(journal).toContain('"x-echo":"Bearer {{secrets.TOKEN}}"');
    expect(result.stdout + result.stderr).not.toContain(token);
  });

  it('redactSecrets replaces values in strings and keys at any depth, longest first, short values left alone', () => {
    const secrets = [
      ['SHORT', 'abc'],
      ['TOKEN', 'tok-1234'],
      ['LONG', 'tok-1234-more'],
    ] as const;
    const answer = { a: ['x tok-1234-more y', { 'tok-1234': 'tok-1234tok-1234' }], n: 3, abc: 'abc' };
    expect(redactSecrets(answer, secrets)).toEqual({
      a: ['x {{secrets.LONG}} y', { '{{secrets.TOKEN}}': '{{secrets.TOKEN}}{{secrets.TOKEN}}' }],
      n: 3,
      abc: 'abc',
    });
  });
});
