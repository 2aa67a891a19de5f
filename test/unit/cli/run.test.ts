import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../../src/templates';
import { chain, http, set } from '../../support/flows';
import { FAST_DEMO, jsonFile, localServer, tabflow, tempDir } from './harness';

const template = (id: string) => join(import.meta.dirname, '../../../src/templates', `${id}.json`);
const STACK_LINE = /^\s+at .+:\d+/m;

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('tabflow run: a workflow headless, step progress on stderr, the output on stdout', () => {
  it('runs a template on the demo model: one line per step, the output alone on stdout', async () => {
    const result = await tabflow([
      'run',
      template('single-customer-status'),
      '--input',
      '{"customerId":"cus_002"}',
      ...FAST_DEMO,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Grace Hopper (cus_002): its status is now');
    const doc = TEMPLATES.find((t) => t.id === 'single-customer-status')!.doc;
    for (const step of doc.stepsConfig)
      expect(result.stderr).toMatch(new RegExp(`✓ ${step.stepSlug} +completed +\\d+ ms`));
    expect(result.stderr).toMatch(/run \S+ completed in /);
  });

  it('--json prints one JSON object per line: the run, each step, the finished run with its output', async () => {
    const result = await tabflow(['run', template('customer-digest'), '--json', ...FAST_DEMO]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ type: 'run', status: 'started', workflow: 'Customer Digest (no LLM)' });
    expect(lines.filter((l) => l.type === 'step').every((l) => l.status === 'completed' && l.durationMs >= 0)).toBe(
      true,
    );
    expect(lines.some((l) => l.type === 'step' && l.step.includes('@'))).toBe(true); // loop iterations: slug@path
    expect(lines.at(-1)).toMatchObject({ type: 'finished', status: 'completed' });
    expect(lines.at(-1).output).toBeDefined();
  });
});

describe('tabflow run: a bad file or input gets the import’s message, a non-zero exit and no stack trace', () => {
  const refused = async (argv: string[], code: number, message: string | RegExp) => {
    const result = await tabflow(argv);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(STACK_LINE);
    return result;
  };

  it('names the JSON path of each problem, as the tab’s import does', async () => {
    const cut = jsonFile('{"workflowConfig": {"name": "x"}, "stepsConfig": [');
    await refused(
      ['run', cut],
      1,
      /is not a runnable workflow \(1 problem\):\n {2}\$: this is not valid JSON: .*line 1, column \d+/,
    );
    const doc = structuredClone(TEMPLATES[0]!.doc) as any;
    doc.stepsConfig[1].stepType = 'bogus';
    doc.stepsConfig[2].nextSteps = { success: 'nowhere' };
    const result = await refused(['run', jsonFile(doc)], 1, /\(\d+ problems\):/);
    expect(result.stderr).toContain(
      `$.stepsConfig[1].stepType (step "${doc.stepsConfig[1].stepSlug}"): unknown step type "bogus"`,
    );
    expect(result.stderr).toContain('$.stepsConfig[2].nextSteps');
  });

  it('refuses a missing file, bad --input JSON, an input the schema refuses, and unknown options', async () => {
    await refused(['run', join(tempDir(), 'missing.json')], 1, /cannot read .*missing\.json: no such file/);
    await refused(
      ['run', template('customer-digest'), '--input', '{bad'],
      2,
      /--input is not valid JSON: .*line 1, column 2/,
    );
    await refused(
      ['run', template('invoice-extraction'), '--input', '{"mail":3}'],
      1,
      /input schema: input\.email: is required/,
    );
    await refused(
      ['run', template('customer-digest'), '--frobnicate'],
      2,
      /Unknown option '--frobnicate'[\s\S]*Usage: tabflow run/,
    );
    await refused(
      ['run', template('customer-digest'), '--store', 'disk'],
      2,
      /--store must be "memory" or "file:<directory>"/,
    );
    await refused(['run', template('customer-digest'), '--model-provider', 'openai'], 2, /OPENAI_API_KEY is not set/);
  });

  it('refuses a damaged run bundle, naming where', async () => {
    const bundle = {
      format: 'tabflow-run-bundle',
      version: 1,
      exportedAt: 'now',
      runId: 'r',
      definitions: [],
      runs: [],
    };
    await refused(['run', jsonFile(bundle)], 1, /is not a usable run bundle: \$\.definitions: /);
  });
});

describe('tabflow run: approvals, events and hosts are answered by flags, else the run says how to go on', () => {
  it('stops at an approval with exit 3 naming --approve; with it, the run completes', async () => {
    const args = ['run', template('approval-before-update'), '--input', '{"customerId":"cus_002"}', ...FAST_DEMO];
    const waiting = await tabflow(args);
    expect(waiting.code).toBe(3);
    expect(waiting.stderr).toContain('step "approve" waits for an approval');
    expect(waiting.stderr).toContain('--approve approve (or --reject approve)');
    expect(waiting.stdout).toBe('');
    const approved = await tabflow([...args, '--approve', 'approve']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toMatch(/✓ approve +completed/);
    expect(approved.stdout).toContain('The change was approved');
  });

  it('with a file store, the answer continues the waiting run: nothing before the approval runs again', async () => {
    const store = ['--store', `file:${tempDir()}`];
    const args = [
      'run',
      template('approval-before-update'),
      '--input',
      '{"customerId":"cus_004"}',
      ...store,
      ...FAST_DEMO,
    ];
    const waiting = await tabflow(args);
    expect(waiting.code).toBe(3);
    expect(waiting.stderr).toMatch(/✓ proposer +completed/);
    expect(waiting.stderr).toContain('it continues this run from its last finished step');
    const runId = /started run (\S+)/.exec(waiting.stderr)![1]!;
    const approved = await tabflow([...args, '--approve', 'approve']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toContain(`resumed run ${runId}`);
    expect(approved.stderr).not.toMatch(/proposer/);
    expect(approved.stderr).toMatch(/✓ apply +completed/);
  });

  it('sends an --event when the run waits for it', async () => {
    const doc = chain('Waits for a signal', [
      { stepSlug: 'signal', name: 'Signal', stepType: 'event', config: { event: 'go' } },
      set('after', { got: '{{steps.signal.output}}' }),
    ]);
    const waiting = await tabflow(['run', jsonFile(doc)]);
    expect(waiting.code, waiting.stderr).toBe(3);
    expect(waiting.stderr).toContain(`--event 'go=<JSON payload>'`);
    const sent = await tabflow(['run', jsonFile(doc), '--event', 'go={"n":7}', '--json']);
    expect(sent.code, sent.stdout).toBe(0);
    expect(sent.stdout).toContain('"n":7');
  });

  it('an event wait with a timeout is waited out and its timeout branch followed', async () => {
    const doc = chain('Signal or not', [
      {
        stepSlug: 'signal',
        name: 'Signal',
        stepType: 'event',
        config: { event: 'go', timeoutMs: 200 },
        nextSteps: { success: 'after', timeout: 'after' },
      },
      set('after', { done: true }),
    ]);
    const result = await tabflow(['run', jsonFile(doc)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/step "signal" waits for the event "go" until \d{4}-/);
    expect(JSON.parse(result.stdout)).toEqual({ done: true });
  });

  it('asks for --allow-host before contacting a host, and never contacts one outside allowedHosts', async () => {
    const server = await localServer((_request, response) => response.end('{"ok":true}'));
    servers.push(server);
    const doc = chain('Posts', [http('hook', `http://${server.host}/hook`, { body: '{"a":1}' })], {
      allowedHosts: ['127.0.0.1'],
    });
    const waiting = await tabflow(['run', jsonFile(doc)]);
    expect(waiting.code).toBe(3);
    expect(waiting.stderr).toContain(`step "hook" wants to contact ${server.host} → --allow-host ${server.host}`);
    expect(server.seen).toHaveLength(0);
    const allowed = await tabflow(['run', jsonFile(doc), '--allow-host', '127.0.0.1']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]!.headers['idempotency-key']).toMatch(/:hook@$/);

    const elsewhere = chain('Posts elsewhere', [http('hook', `http://${server.host}/hook`)], {
      allowedHosts: ['api.example.com'],
    });
    const refused = await tabflow(['run', jsonFile(elsewhere), '--allow-host', server.host]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`host "${server.host}" is not in workflowConfig.config.allowedHosts`);
    // The import check refuses it before anything runs (the engine refuses it again at run time).
    expect(server.seen).toHaveLength(1);
  });
});

describe('tabflow run: keys never appear in output', () => {
  it('a provider refusing the key: the run fails saying so; no output and no store holds the key', async () => {
    const key = `sk-test-${crypto.randomUUID()}`;
    const server = await localServer((request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      // A hostile server echoes what it was sent, the key included.
      response.end(JSON.stringify({ error: { message: `bad key ${request.headers.authorization}` } }));
    });
    servers.push(server);
    const dir = tempDir();
    const env = { TABFLOW_BASE_URL: `http://${server.host}/v1`, TABFLOW_API_KEY: key };
    const argv = ['run', template('support-routing'), '--input', '{"message":"hi"}', '--store', `file:${dir}`];
    for (const mode of [[], ['--json']]) {
      const result = await tabflow([...argv, ...mode, '--model-provider', 'openai-compatible'], env);
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).toMatch(/auth|key|401/i);
      expect(result.stdout + result.stderr).not.toContain(key);
      expect(result.stdout + result.stderr).not.toContain(key.slice(8));
    }
    expect(server.seen.length).toBeGreaterThan(0);
    expect(server.seen[0]!.headers.authorization).toBe(`Bearer ${key}`);
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).not.toContain(key.slice(8));
  });

  it('a workflow secret a server echoes back is scrubbed from the output, whatever the mode', async () => {
    const token = `tok-${crypto.randomUUID()}`;
    const server = await localServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ youSent: request.headers.authorization }));
    });
    servers.push(server);
    const doc = chain(
      'Echo',
      [http('call', `http://${server.host}/echo`, { headers: { authorization: 'Bearer {{secrets.TOKEN}}' } })],
      {
        allowedHosts: [server.host],
        secrets: { TOKEN: { kind: 'local' } },
      },
    );
    for (const mode of [[], ['--json']]) {
      const result = await tabflow(['run', jsonFile(doc), '--allow-host', server.host, ...mode], {
        TABFLOW_SECRET_TOKEN: token,
      });
      expect(result.code, result.stderr).toBe(0);
      // Journaled (and so printed) as its placeholder: the value never reaches the record.
      expect(result.stdout).toContain('Bearer {{secrets.TOKEN}}');
      expect(result.stdout + result.stderr).not.toContain(token);
    }
    expect(server.seen[0]!.headers.authorization).toBe(`Bearer ${token}`);
  });
});
