import { parseArgs } from 'node:util';
import { normalizeAllowedHost } from '../schema/hosts';
import { parseStoreSpec, type StoreSpec } from './cliStore';
import { errorMessage } from '../schema/errorMessage';

/** A step's answer given on the command line: `--approve STEP` / `--reject STEP` (STEP: a slug, or `slug@path`). */
export interface ApprovalAnswer {
  step: string;
  approved: boolean;
}

export interface RunArgs {
  file: string;
  input: { kind: 'none' } | { kind: 'text'; text: string; source: string };
  json: boolean;
  store: StoreSpec;
  modelProvider: string | undefined;
  approvals: ApprovalAnswer[];
  events: Array<{ name: string; payload: unknown }>;
  /** `--budget`: the answer to every budget question of the run (Continue raises the cap by as much again). */
  budget: 'continue' | 'stop' | undefined;
  /** Normal form (`schema/hosts.ts`); read like allowedHosts entries (no port: any port; `*.example.com`). */
  allowedHosts: Set<string>;
  demoTokensPerSecond: number | undefined;
}

export const RUN_USAGE = `Usage: tabflow run <workflow.json | bundle.json> [options]

  --input JSON            the run's input (default {})
  --input-file FILE       the run's input, read from a JSON file
  --json                  machine output: one JSON object per line on stdout
  --store memory          keep nothing after the process (default)
  --store file:DIR        keep the run in DIR: the same command again continues it after Ctrl-C, a kill or a wait
  --model-provider NAME   demo | openai | openai-compatible (else TABFLOW_MODEL_PROVIDER, else from the keys set)
  --approve STEP          approve the approval step STEP when the run reaches it (repeatable; STEP or STEP@path)
  --reject STEP           reject it instead
  --event NAME=JSON       send the event NAME with this payload when the run waits for it (repeatable)
  --budget continue|stop  answer the run's budget questions: continue (raise the cap by as much again) or stop
  --allow-host HOST       let http steps contact HOST (it must also be in the workflow's allowedHosts)
  --demo-speed N          the demo model's pace in tokens per second (else TABFLOW_DEMO_TOKENS_PER_SECOND, else 60)

Environment: TABFLOW_BASE_URL + TABFLOW_API_KEY (an OpenAI-compatible server), OPENAI_API_KEY (+ OPENAI_BASE_URL),
TABFLOW_MODEL, TABFLOW_MODEL_PROVIDER, TABFLOW_REQUESTS_PER_MINUTE, TABFLOW_SECRET_<NAME> (the workflow secret NAME).

Exit codes: 0 completed, 1 failed or refused, 2 usage, 3 waiting for an answer (the message says which flag gives
it), 130 interrupted.`;

export type ParsedRunArgs = { ok: true; args: RunArgs } | { ok: false; message: string };

/** The `run` command's arguments, or what is wrong with them (never a stack trace). */
export function parseRunArgs(argv: readonly string[]): ParsedRunArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        input: { type: 'string' },
        'input-file': { type: 'string' },
        json: { type: 'boolean' },
        store: { type: 'string' },
        'model-provider': { type: 'string' },
        approve: { type: 'string', multiple: true },
        reject: { type: 'string', multiple: true },
        event: { type: 'string', multiple: true },
        budget: { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        'demo-speed': { type: 'string' },
      },
    });
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    return { ok: false, message: 'name one workflow or run bundle file: tabflow run <workflow.json>' };
  if (values.input !== undefined && values['input-file'] !== undefined)
    return { ok: false, message: 'give --input or --input-file, not both' };
  const store = parseStoreSpec(values.store);
  if (store.kind === 'invalid') return { ok: false, message: store.message };
  const events = parseEvents(values.event ?? []);
  if (!Array.isArray(events)) return events;
  const hosts = parseHosts(values['allow-host'] ?? []);
  if (!(hosts instanceof Set)) return hosts;
  const budget = values.budget;
  if (budget !== undefined && budget !== 'continue' && budget !== 'stop')
    return { ok: false, message: `--budget must be continue or stop (got "${budget.slice(0, 40)}")` };
  const speed = values['demo-speed'] === undefined ? undefined : Number(values['demo-speed']);
  if (speed !== undefined && !(speed > 0 && Number.isFinite(speed)))
    return { ok: false, message: `--demo-speed must be a positive number of tokens per second` };
  return {
    ok: true,
    args: {
      file: positionals[0]!,
      input:
        values.input !== undefined
          ? { kind: 'text', text: values.input, source: '--input' }
          : values['input-file'] !== undefined
            ? { kind: 'text', text: values['input-file'], source: '--input-file' }
            : { kind: 'none' },
      json: values.json ?? false,
      store,
      modelProvider: values['model-provider'],
      approvals: [
        ...(values.approve ?? []).map((step) => ({ step, approved: true })),
        ...(values.reject ?? []).map((step) => ({ step, approved: false })),
      ],
      events,
      budget,
      allowedHosts: hosts,
      demoTokensPerSecond: speed,
    },
  };
}

function parseEvents(flags: readonly string[]): RunArgs['events'] | { ok: false; message: string } {
  const events: RunArgs['events'] = [];
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const name = at < 0 ? flag : flag.slice(0, at);
    if (!name) return { ok: false, message: `--event needs a name: --event NAME=JSON (got "${flag.slice(0, 80)}")` };
    if (at < 0) {
      events.push({ name, payload: null });
      continue;
    }
    try {
      events.push({ name, payload: JSON.parse(flag.slice(at + 1)) });
    } catch (error) {
      return { ok: false, message: `--event ${name}: the payload is not valid JSON (${errorText(error)})` };
    }
  }
  return events;
}

function parseHosts(flags: readonly string[]): Set<string> | { ok: false; message: string } {
  const hosts = new Set<string>();
  for (const flag of flags) {
    const host = normalizeAllowedHost(flag);
    if (!host)
      return { ok: false, message: `--allow-host "${flag.slice(0, 80)}" is not a host name (e.g. api.example.com)` };
    hosts.add(host);
  }
  return hosts;
}

function errorText(error: unknown): string {
  return errorMessage(error).slice(0, 200);
}
