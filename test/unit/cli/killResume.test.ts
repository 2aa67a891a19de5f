import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src/cli/fileStore';
import { chain, http } from '../../support/flows';
import { jsonFile, localServer, spawnTabflow, tempDir } from './harness';

const STEPS = 8;
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server that counts POSTs by idempotency key and answers each after a pause, so a kill lands mid-run. */
async function slowCountingServer() {
  const server = await localServer((request, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ step: request.url }));
    }, 120);
  });
  servers.push(server);
  const keys = () => server.seen.map((r) => String(r.headers['idempotency-key']));
  return { ...server, keys };
}

function postingWorkflow(host: string) {
  const steps = Array.from({ length: STEPS }, (_, i) => http(`post${i + 1}`, `http://${host}/${i + 1}`));
  return chain('Posts in a row', steps, { allowedHosts: [host] });
}

/** How many times each step's completion was written to the store's log. */
function completionsPerStep(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(join(dir, 'journal.jsonl'), 'utf8').trimEnd().split('\n')) {
    const entry = JSON.parse(line) as LogEntry;
    if (entry.kind !== 'commit') continue;
    for (const step of entry.batch.steps ?? [])
      if (step.status === 'completed') counts.set(step.key, (counts.get(step.key) ?? 0) + 1);
  }
  return counts;
}

async function until(ready: () => boolean, what: string): Promise<void> {
  const giveUpAt = Date.now() + 30_000;
  while (!ready()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('tabflow run --store file:DIR continues a run after a kill or Ctrl-C', () => {
  it.each([
    ['SIGKILL', 128],
    ['SIGINT', 130],
  ] as const)(
    '%s mid-run, then the same command again: it finishes from the last finished step',
    async (signal, code) => {
      const server = await slowCountingServer();
      const dir = tempDir();
      const argv = [
        'run',
        jsonFile(postingWorkflow(server.host)),
        '--store',
        `file:${dir}`,
        '--allow-host',
        server.host,
      ];
      const first = spawnTabflow(argv);
      await until(() => server.seen.length >= 3, 'the third request');
      first.child.kill(signal);
      const stopped = await first.exited;
      expect(stopped.code).toBe(code);
      if (signal === 'SIGINT') expect(stopped.stderr).toContain('interrupted run');
      if (signal === 'SIGINT') expect(stopped.stderr).toContain('run the same command again to continue it');
      const doneBefore = [...completionsPerStep(dir).keys()].map((key) => key.split(':')[1]!.replace(/@$/, ''));
      expect(doneBefore.length).toBeGreaterThanOrEqual(3); // the trigger and at least two posts

      const second = await spawnTabflow(argv).exited;
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/resumed run/);
      // Only what was not finished before runs now.
      for (const slug of doneBefore) expect(second.stderr).not.toMatch(new RegExp(`✓ ${slug} `));
      expect(second.stderr).toMatch(new RegExp(`✓ post${STEPS} +completed`));

      // Every step's result recorded once; every request sent once, but the one in flight at the kill (same key).
      const completions = completionsPerStep(dir);
      expect(completions.size).toBe(STEPS + 1);
      expect([...completions.values()].every((n) => n === 1)).toBe(true);
      const perKey = new Map<string, number>();
      for (const key of server.keys()) perKey.set(key, (perKey.get(key) ?? 0) + 1);
      expect(perKey.size).toBe(STEPS);
      expect([...perKey.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
      expect(server.seen.length).toBeLessThanOrEqual(STEPS + 1);
    },
    60_000,
  );
});
