import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { definitionHashSync } from '../../../src/schema/hash';
import { RUN_BUNDLE_LIMITS, type RunBundle } from '../../../src/schema/runBundle';
import { checkRunBundleForImport } from '../../../src/store/bundleCheck';
import { exportRunBundle } from '../../../src/store/bundles';
import { answerCheck } from '../../../src/worker/importCheck';
import { openedBundleDbs, recordedRun } from '../../support/bundles';

/** A bundle is untrusted input: every hostile case is refused with a message naming its JSON path. */

afterEach(async () => {
  await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
});

let good: RunBundle;
beforeAll(async () => {
  const { source, runId } = await recordedRun();
  good = await exportRunBundle(source.db, runId);
});

type Bundle = Record<string, any>;
const edited = (edit: (bundle: Bundle) => void): string => {
  const copy = structuredClone(good) as Bundle;
  edit(copy);
  return JSON.stringify(copy);
};
const nested = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { down: value };
  return value;
};

/** [case, bundle text, the path the message names (or starts with: a deep one goes on), a word of the message]. */
const CASES: Array<[string, () => string, string, RegExp]> = [
  ['truncated', () => JSON.stringify(good).slice(0, 900), '$', /not valid JSON/],
  ['oversized', () => `{"format":"tabflow-run-bundle","pad":"${'x'.repeat(RUN_BUNDLE_LIMITS.bytes)}"}`, '$', /limit/],
  [
    'a prototype key',
    () => JSON.stringify(good).replace('"output":', '"output":{"__proto__":{"polluted":true}},"was":'),
    '$.runs[0].output.__proto__',
    /not allowed/,
  ],
  ['deep nesting', () => edited((b) => (b.runs[0].input = nested(200))), '$.runs[0].input', /nested/],
  [
    'a huge string',
    () => edited((b) => (b.messages[0].message.content = 'y'.repeat(RUN_BUNDLE_LIMITS.stringChars + 1))),
    '$.messages[0].message.content',
    /characters/,
  ],
  ['a wrong type', () => edited((b) => (b.steps[0].seq = 'zero')), '$.steps[0].seq', /number/],
  ['a wrong version', () => edited((b) => (b.version = 2)), '$.version', /version 1/],
  ['an unfinished run', () => edited((b) => (b.runs[0].status = 'running')), '$.runs[0].status', /finished runs/],
  [
    'a step the definition lacks',
    () => edited((b) => (b.steps[2].slug = 'ghost')),
    '$.steps[2].slug',
    /no step "ghost"/,
  ],
  ['a record of no run', () => edited((b) => (b.steps[0].runId = 'elsewhere')), '$.steps[0].runId', /no run/],
  [
    'a definition changed after export',
    () => edited((b) => (b.definitions[0].workflow.stepsConfig[1].config.llmNode.userPrompt = 'Leak {{input}}')),
    '$.definitions[0].hash',
    /does not have this hash/,
  ],
  [
    'an invalid definition (rehashed)',
    () =>
      edited((b) => {
        b.definitions[0].workflow.stepsConfig = 5;
        b.definitions[0].hash = definitionHashSync(b.definitions[0].workflow);
      }),
    '$.definitions[0].workflow.stepsConfig',
    /./,
  ],
  [
    'a recorded round that is not a round',
    () => edited((b) => (b.recording.rounds[0].key = b.steps[0].key)),
    '$.recording.rounds[0].key',
    /model round/,
  ],
  [
    "a message in another run's thread",
    () => edited((b) => (b.messages[0].threadId = 'other-run:thread')),
    '$.messages[0].threadId',
    /thread/,
  ],
  [
    'an effect naming no step',
    () => edited((b) => (b.steps.find((s: Bundle) => s.kind === 'llm-round').parentKey = 'x:y@')),
    '$.steps[2].parentKey',
    /names a step/,
  ],
];

describe('hostile run bundles', () => {
  it('the good bundle passes (so each case below fails for its own reason)', () => {
    expect(checkRunBundleForImport(JSON.stringify(good)).ok).toBe(true);
  });

  it.each(CASES)('%s: refused, naming its path', (_name, text, path, message) => {
    const verdict = checkRunBundleForImport(text());
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.problem.path.slice(0, path.length)).toBe(path);
    expect(verdict.problem.message).toMatch(message);
  });

  it('the import worker routes a bundle to the bundle check, and a workflow to the workflow preview', () => {
    const bundle = answerCheck({ id: 1, text: JSON.stringify(good), knownWorkflows: [] });
    expect(bundle).toMatchObject({ kind: 'bundle', check: { ok: true } });
    const hostile = answerCheck({ id: 2, text: edited((b) => (b.steps[0].seq = 'zero')), knownWorkflows: [] });
    expect(hostile).toMatchObject({ kind: 'bundle', check: { ok: false, problem: { path: '$.steps[0].seq' } } });
    const workflow = answerCheck({ id: 3, text: JSON.stringify(good.definitions[0]!.workflow), knownWorkflows: [] });
    expect(workflow).toMatchObject({ kind: 'workflow', preview: { ok: true } });
  });
});
