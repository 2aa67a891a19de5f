import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, llm } from '../support/flows';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, until, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';
import { writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();

const LIMIT = 3;
const PERIOD_SECONDS = 2;
const RUNS = 9;

/** The most timestamps inside any window of `windowMs` (each window starting at one of them). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! < sorted[i]! + windowMs) j++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** `count` runs of one model round each (`PREFIX-i`, the prompt naming `PREFIXi`), submitted in order. */
async function submitRounds(url: string, prefix: string, count: number): Promise<void> {
  const file = writeWorkflow(chain('Limited', [llm('ask', 'Say hello to {{input.value}}')]));
  for (let i = 0; i < count; i++) {
    const input = JSON.stringify({ value: `${prefix}${i}` });
    const submitted = await tabflow(url, 'submit', file, '--input', input, '--id', `${prefix}-${i}`);
    expect(submitted, submitted.stderr).toMatchObject({ code: 0 });
  }
}

/** Each of those runs finishes, completed. One that does not fails with what DBOS holds of it and the logs. */
async function expectCompleted(url: string, prefix: string, count: number, cluster: Cluster): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    const done = await until(
      `run ${id}`,
      async () => {
        const status = JSON.parse((await tabflow(url, 'status', id, '--json')).stdout);
        return status.result || status.error ? status : undefined;
      },
      90_000,
    ).catch(async (error: Error) => {
      const report = `${error.message}\n${await stuckRunReport(url, id, cluster)}`;
      // Printed as well as thrown: a retried attempt that passes would otherwise hide it.
      console.error(report);
      throw new Error(report);
    });
    expect(done.result?.status, JSON.stringify(done)).toBe('completed');
  }
}

/** What a stuck run's report shows besides DBOS's tables: the workers' logs and the provider's requests. */
interface Cluster {
  workers: WorkerProcess[];
  provider: OpenAIServer;
}

/** A run that did not finish: its DBOS workflows (the run and its requests), their operations, who saw what. */
async function stuckRunReport(url: string, runId: string, { workers, provider }: Cluster): Promise<string> {
  const like = `${runId.replace(/[%_\\]/g, '\\$&')}%`;
  const workflows = await query(
    url,
    `SELECT workflow_uuid, name, status, executor_id, queue_name, recovery_attempts, created_at, updated_at
       FROM dbos.workflow_status WHERE workflow_uuid LIKE $1 ORDER BY created_at`,
    [like],
  );
  const operations = await query(
    url,
    `SELECT workflow_uuid, function_id, function_name, error IS NOT NULL AS failed
       FROM dbos.operation_outputs WHERE workflow_uuid LIKE $1 ORDER BY workflow_uuid, function_id`,
    [like],
  );
  const requests = provider.requests.map((r) => ({
    prompt: JSON.stringify(r.body.messages?.at(-1)),
    answered: r.answered,
    receivedAt: r.receivedAt,
    answeredAt: r.answeredAt,
  }));
  const logs = workers.map((w) => `--- ${w.executorId}\n${w.log().split('\n').slice(-40).join('\n')}`);
  return [JSON.stringify({ now: Date.now(), workflows, operations, requests }, null, 1), ...logs].join('\n');
}

/**
 * A provider's request limit is one DBOS queue for every worker on the database: 2 worker processes, 9 runs of one
 * model round each against a local OpenAI-compatible server, `TABFLOW_REQUEST_LIMIT=3/2s`. Each worker keeping its
 * own window would let both send 3 at once; the queue lets 3 through per 2 s in all.
 */
describe.runIf(enabled)('provider request limits as DBOS queues shared by 2 workers', () => {
  let postgres: Postgres;
  let provider: OpenAIServer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    provider = await startOpenAIServer();
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) await stopWorker(worker);
    await provider?.close();
    postgres?.stop();
  });

  // Retried once: in one CI run on a loaded machine a run stayed unfinished 90 s after its request was answered
  // (not explained yet; noted on issue 14). Each attempt has its own database and counts only its own requests.
  let attempt = 0;
  it(
    `sends at most ${LIMIT} requests per ${PERIOD_SECONDS} s across both workers, each round once`,
    { retry: 1, timeout: 180_000 },
    async () => {
      // A retry first stops the first attempt's workers: none of its runs may ask the provider meanwhile.
      if (attempt > 0) for (const worker of workers.splice(0)) await stopWorker(worker);
      const url = postgres.createDatabase(`limits_${++attempt}`);
      const earlier = provider.requests.length;
      const env = {
        TABFLOW_BASE_URL: provider.url,
        TABFLOW_MODEL: 'test-model',
        TABFLOW_REQUEST_LIMIT: `${LIMIT}/${PERIOD_SECONDS}s`,
      };
      for (const id of ['limit-a', 'limit-b']) workers.push(await spawnWorker(url, id, ['--concurrency', '8'], env));
      await submitRounds(url, 'n', RUNS);
      // Nothing else in this process while the requests come (the provider's clock is this process's event loop).
      const posts = () => provider.requests.slice(earlier).filter((r) => r.method === 'POST');
      await until('every request', async () => (posts().length >= RUNS ? true : undefined), 90_000);
      await expectCompleted(url, 'n', RUNS, { workers, provider });

      const prompts = posts().map((r) => JSON.stringify(r.body.messages.at(-1)));
      expect(new Set(prompts).size).toBe(RUNS);
      expect(posts()).toHaveLength(RUNS);
      // Both workers took runs (the limit held across processes, not within one).
      const owners = await query<{ executor_id: string }>(
        url,
        `SELECT DISTINCT executor_id FROM dbos.workflow_status WHERE name = 'tabflowRun'`,
      );
      expect(owners.map((o) => o.executor_id).sort()).toEqual(['limit-a', 'limit-b']);
      // DBOS's own start times of the request workflows (`n-3:ask@/r1#1`), by run.
      const started = await query<{ id: string; at: string }>(
        url,
        `SELECT workflow_uuid AS id, started_at_epoch_ms AS at FROM dbos.workflow_status
       WHERE name = 'tabflowProviderRequest'`,
      );
      const startOf = new Map(started.map((s) => [s.id.slice(0, s.id.indexOf(':')), Number(s.at)]));
      // As the provider saw them: a request leaves a moment after its start (longer on a loaded machine), so the
      // window is the period less the longest such delay.
      const arrivals = posts().map((r) => ({
        at: r.receivedAt,
        run: `n-${/hello to n(\d+)/.exec(JSON.stringify(r.body))![1]}`,
      }));
      const lag = Math.max(0, ...arrivals.map((a) => a.at - (startOf.get(a.run) ?? a.at)));
      // The provider's view holds while that window stays at least a quarter of the period (a burst of both workers
      // at once is ms apart); on a machine so loaded that requests leave later still, DBOS's start times below decide.
      if (lag < PERIOD_SECONDS * 750) {
        const seen = busiestWindow(
          arrivals.map((a) => a.at),
          PERIOD_SECONDS * 1000 - lag,
        );
        console.log(`provider limits: busiest ${PERIOD_SECONDS} s window (less ${lag} ms) held ${seen} of ${RUNS}`);
        expect(seen, JSON.stringify({ started, arrivals })).toBeLessThanOrEqual(LIMIT);
      } else console.log(`provider limits: requests left up to ${lag} ms after their start; start times checked`);
      expect(started).toHaveLength(RUNS);
      expect(busiestWindow([...startOf.values()], PERIOD_SECONDS * 1000)).toBeLessThanOrEqual(LIMIT);
      const span = Math.max(...posts().map((r) => r.receivedAt)) - Math.min(...posts().map((r) => r.receivedAt));
      expect(span).toBeGreaterThanOrEqual(((RUNS / LIMIT - 1) * PERIOD_SECONDS - 1) * 1000);
    },
  );

  it('killed with rounds queued or in flight: every run completes, a round sent again only if in flight', async () => {
    const url = postgres.createDatabase('limits_kill');
    const env = { TABFLOW_BASE_URL: provider.url, TABFLOW_MODEL: 'test-model', TABFLOW_REQUEST_LIMIT: '2/2s' };
    const flags = ['--heartbeat-ms', '500', '--stale-after-ms', '2000'];
    const [killed, survivor] = [
      await spawnWorker(url, 'kill-a', flags, env),
      await spawnWorker(url, 'kill-b', flags, env),
    ];
    workers.push(killed, survivor);
    // Slow answers, so the kill finds requests in flight.
    provider.setChunkDelay(150);
    const before = provider.requests.length;
    const ours = () => provider.requests.slice(before).filter((r) => r.method === 'POST');
    await submitRounds(url, 'k', RUNS);
    await until('the first requests', async () => (ours().length >= 3 ? true : undefined), 60_000);
    killed.child.kill('SIGKILL');
    await killed.exited;
    // Adoption is asked only of what the killed worker left PENDING: at some kills it held nothing.
    const [left] = await query<{ n: string }>(
      url,
      `SELECT count(*) AS n FROM dbos.workflow_status WHERE executor_id = 'kill-a' AND status = 'PENDING'`,
    );
    const leftPending = Number(left?.n ?? 0);
    const inFlight = new Set(
      ours()
        .filter((r) => !r.answered)
        .map((r) => JSON.stringify(r.body.messages.at(-1))),
    );
    await expectCompleted(url, 'k', RUNS, { workers: [killed, survivor], provider });
    const sent = new Map<string, number>();
    for (const r of ours())
      sent.set(JSON.stringify(r.body.messages.at(-1)), (sent.get(JSON.stringify(r.body.messages.at(-1))) ?? 0) + 1);
    expect(sent.size).toBe(RUNS);
    const twice = [...sent].filter(([, n]) => n > 1).map(([prompt]) => prompt);
    console.log(
      `provider limits, killed worker: ${ours().length} requests for ${RUNS} rounds, ${inFlight.size} in flight, ` +
        `${leftPending} workflows left pending`,
    );
    provider.setChunkDelay(0);
    for (const prompt of twice) expect(inFlight.has(prompt), prompt).toBe(true);
    if (leftPending > 0) expect(survivor.log()).toMatch(/adopted \d+ pending run\(s\) of stopped worker kill-a/);
    expect(Math.max(...sent.values())).toBeLessThanOrEqual(2);
  }, 180_000);

  it('TABFLOW_CONCURRENT_REQUESTS=1: never two requests to the provider at once across both workers', async () => {
    const url = postgres.createDatabase('limits_concurrent');
    const env = { TABFLOW_BASE_URL: provider.url, TABFLOW_MODEL: 'test-model', TABFLOW_CONCURRENT_REQUESTS: '1' };
    workers.push(await spawnWorker(url, 'one-a', [], env), await spawnWorker(url, 'one-b', [], env));
    provider.setChunkDelay(60);
    const before = provider.requests.length;
    const runs = 6;
    await submitRounds(url, 'c', runs);
    const ours = () => provider.requests.slice(before).filter((r) => r.method === 'POST');
    await until(
      'every answer',
      async () => (ours().filter((r) => r.answered).length >= runs ? true : undefined),
      90_000,
    );
    provider.setChunkDelay(0);
    const spans = ours().map((r) => [r.receivedAt, r.answeredAt!] as const);
    const overlapping = spans.filter(([from, to], i) => spans.some(([f, t], j) => j !== i && f < to && from < t));
    console.log(`provider limits, concurrency 1: ${spans.length} requests, ${overlapping.length} overlapping`);
    expect(spans).toHaveLength(runs);
    expect(overlapping).toEqual([]);
  }, 120_000);

  it('a worker refuses a limit it cannot read, naming the variable', async () => {
    const url = postgres.createDatabase('limits_bad');
    await expect(spawnWorker(url, 'limit-bad', [], { TABFLOW_REQUEST_LIMIT: '3 per second' })).rejects.toThrow(
      /TABFLOW_REQUEST_LIMIT must look like 500\/60s \(got "3 per second"\)/,
    );
  }, 60_000);
});
