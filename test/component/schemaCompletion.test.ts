import { CompletionContext } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';
import { ensureSyntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { workflowJsonSchema } from '../../src/schema/jsonSchema';
import { schemaCompletionSource } from '../../src/ui/editor/schemaCompletion';

/** Completions offered with the cursor at `|` in the text. */
function complete(textWithCursor: string): string[] {
  const pos = textWithCursor.indexOf('|');
  const doc = textWithCursor.replace('|', '');
  const state = EditorState.create({ doc, extensions: [json()] });
  ensureSyntaxTree(state, doc.length, 1000);
  const result = schemaCompletionSource(workflowJsonSchema())(new CompletionContext(state, pos, true));
  return result?.options.map((o) => o.label) ?? [];
}

describe('completion from the JSON Schema', () => {
  it('offers the top-level keys', () => {
    expect(complete('{ "|" }')).toEqual(expect.arrayContaining(['workflowConfig', 'stepsConfig', 'formatVersion']));
  });

  it('offers every step type as the value of stepType', () => {
    const options = complete('{ "stepsConfig": [ { "stepSlug": "a", "stepType": "|" } ] }');
    expect(options).toEqual(expect.arrayContaining(['"trigger"', '"llm"', '"loop"', '"parallel"', '"subworkflow"']));
  });

  it("offers the fields of the step's own type only", () => {
    const options = complete('{ "stepsConfig": [ { "stepType": "llm", "config": { "llmNode": { "|" } } } ] }');
    expect(options).toEqual(expect.arrayContaining(['model', 'userPrompt', 'tools', 'outputSchema']));
    const action = complete('{ "stepsConfig": [ { "stepType": "action", "config": { "action": "http", "|" } } ] }');
    expect(action).toEqual(expect.arrayContaining(['method', 'url', 'headers']));
    expect(action).not.toContain('expression');
  });
});
