import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import {
  clearPins,
  DamagedPinsError,
  editorStartOptions,
  exportedWorkflow,
  pinStep,
  readPins,
  splitPinnedOutputs,
  unpinStep,
} from '../../../src/store/pins';
import { createWorkflow, getWorkflow, saveWorkflowDoc } from '../../../src/store/workflows';
import { exportText } from '../../../src/schema/exporter';
import { chain, llm } from '../../support/flows';
import { aRun } from './fixtures';

const dbs: TabflowDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => Dexie.delete(db.name)));
});

const doc = chain('Pinned flow', [llm('draft', 'hi'), llm('polish', '{{steps.draft.output}}')]);

async function withWorkflow() {
  const db = new TabflowDb(`pins-${crypto.randomUUID()}`);
  dbs.push(db);
  const record = await createWorkflow(db, doc);
  return { db, id: record.id, read: async () => (await getWorkflow(db, record.id))! };
}

describe('pins on the workflow record', () => {
  it('pin, replace and unpin a step; the document, its revision and versions are untouched', async () => {
    const { db, id, read } = await withWorkflow();
    const before = await read();
    await pinStep(db, id, 'draft', { output: { text: 'A' }, source: { kind: 'typed' } }, 5);
    await pinStep(db, id, 'polish', { output: 'B', source: { kind: 'run', runId: 'r1', stepKey: 'r1:polish@' } }, 6);
    await pinStep(db, id, 'draft', { output: 'A2', branch: 'left', source: { kind: 'typed' } }, 7);
    expect(readPins(await read())).toEqual({
      kind: 'ok',
      pins: {
        draft: { output: 'A2', branch: 'left', source: { kind: 'typed' }, pinnedAt: 7 },
        polish: { output: 'B', source: { kind: 'run', runId: 'r1', stepKey: 'r1:polish@' }, pinnedAt: 6 },
      },
    });
    const after = await read();
    expect([after.doc, after.revision, after.updatedAt]).toEqual([before.doc, before.revision, before.updatedAt]);
    expect(await db.versions.count()).toBe(1);
    await unpinStep(db, id, 'draft');
    await unpinStep(db, id, 'polish');
    expect((await read()).pins).toBeUndefined();
  });

  it('a save of the document keeps the pins', async () => {
    const { db, id, read } = await withWorkflow();
    await pinStep(db, id, 'draft', { output: 1, source: { kind: 'typed' } });
    const edited = { ...doc, workflowConfig: { ...doc.workflowConfig, description: 'edited' } };
    await saveWorkflowDoc(db, id, edited);
    expect(readPins(await read())).toMatchObject({ kind: 'ok', pins: { draft: { output: 1 } } });
  });

  it.each([
    { pins: 'not an object', path: 'pins' },
    { pins: { draft: { output: 1, source: { kind: 'typed' } } }, path: 'pins.draft.pinnedAt' },
    { pins: { draft: { output: 1, source: { kind: 'stolen' }, pinnedAt: 1 } }, path: 'pins.draft.source.kind' },
    { pins: { draft: { output: 1, branch: 7, source: { kind: 'typed' }, pinnedAt: 1 } }, path: 'pins.draft.branch' },
  ])('a damaged pins field is reported at $path, never thrown', async ({ pins, path }) => {
    const { db, id, read } = await withWorkflow();
    await db.workflows.update(id, { pins });
    const result = readPins(await read());
    expect(result.kind).toBe('damaged');
    expect(result.kind === 'damaged' && result.problem).toContain(`at ${path}:`);
    // Writing over damage is refused with the same message; Clear pins mends it.
    await expect(pinStep(db, id, 'draft', { output: 2, source: { kind: 'typed' } })).rejects.toThrow(DamagedPinsError);
    await expect(editorStartOptions(db, await read(), { withPins: true }, {})).rejects.toThrow(path);
    await clearPins(db, id);
    expect(readPins(await read())).toEqual({ kind: 'ok', pins: {} });
  });
});

describe('pins leave the browser only when asked', () => {
  it('an export holds no pins unless "include pinned outputs" is chosen', async () => {
    const { db, id, read } = await withWorkflow();
    await pinStep(db, id, 'draft', { output: 'SECRET-ISH PIN', source: { kind: 'typed' } });
    const record = await read();
    const plain = exportText(exportedWorkflow(record, () => undefined, false));
    expect(plain).not.toContain('SECRET-ISH PIN');
    expect(plain).not.toContain('pinnedOutputs');
    const withPins = JSON.parse(exportText(exportedWorkflow(record, () => undefined, true)));
    expect(withPins.pinnedOutputs.draft.output).toBe('SECRET-ISH PIN');
  });

  it('an imported file gives its pinned outputs to the record, not to the document', () => {
    const { doc: kept, pins } = splitPinnedOutputs({ ...doc, pinnedOutputs: { draft: { output: 1 } } });
    expect(kept).toEqual(doc);
    expect(pins).toEqual({ draft: { output: 1 } });
    expect(splitPinnedOutputs(doc)).toEqual({ doc, pins: undefined });
  });
});

describe('what a start from the editor passes to the engine', () => {
  it('pins only when asked; a partial run builds on the latest run of this workflow, or the one named', async () => {
    const { db, id, read } = await withWorkflow();
    await pinStep(db, id, 'draft', { output: 'P', branch: 'b', source: { kind: 'typed' } });
    await db.runs.bulkPut([
      aRun('older', { workflowId: id, createdAt: 1, input: { n: 1 } }),
      aRun('newest', { workflowId: id, createdAt: 3, input: { n: 3 } }),
      aRun('child', { workflowId: id, createdAt: 9, parentRunId: 'newest', depth: 1 }),
      aRun('elsewhere', { workflowId: 'another', createdAt: 10 }),
    ]);
    const record = await read();
    expect(await editorStartOptions(db, record, {}, { x: 1 })).toEqual({ input: { x: 1 } });
    expect(await editorStartOptions(db, record, { withPins: true }, { x: 1 })).toEqual({
      input: { x: 1 },
      pins: { draft: { output: 'P', branch: 'b' } },
    });
    const only = { kind: 'step-only', slug: 'polish' } as const;
    expect(await editorStartOptions(db, record, { partial: only }, undefined)).toEqual({
      input: { n: 3 },
      partial: { kind: 'step-only', slug: 'polish', inputsFrom: 'newest' },
    });
    expect(await editorStartOptions(db, record, { partial: { ...only, inputsFrom: 'older' } }, undefined)).toEqual({
      input: { n: 1 },
      partial: { kind: 'step-only', slug: 'polish', inputsFrom: 'older' },
    });
    expect(await editorStartOptions(db, record, { partial: { kind: 'up-to', slug: 'draft' } }, undefined)).toEqual({
      input: { n: 3 },
      partial: { kind: 'up-to', slug: 'draft' },
    });
    await expect(
      editorStartOptions(db, record, { partial: { ...only, inputsFrom: 'elsewhere' } }, undefined),
    ).rejects.toThrow('not a run of this workflow');
  });
});
