import { describe, expect, it } from 'vitest';
import {
  experimentNameFor,
  newVariantDraft,
  nextVariant,
  rowsFromFile,
  variantOf,
  variantProblems,
} from '../../src/ui/experiments/setupDraft';

describe('the setup’s drafts', () => {
  it('a variant says only what it changes', () => {
    expect(variantOf(newVariantDraft(1))).toEqual({ id: 'v1', label: 'Variant 1' });
    const edited = {
      ...newVariantDraft(2),
      provider: ' demo ',
      model: 'demo-1',
      versionSeq: '3',
      prompts: { a: 'Hi' },
    };
    expect(variantOf(edited)).toEqual({
      id: 'v2',
      label: 'Variant 2',
      model: { model: 'demo-1', provider: 'demo' },
      versionSeq: 3,
      prompts: { a: 'Hi' },
    });
  });

  it('names what keeps the variants from starting', () => {
    const drafts = [
      newVariantDraft(1),
      { ...newVariantDraft(2), label: 'Variant 1' },
      { ...newVariantDraft(3), label: ' ', provider: 'demo' },
    ];
    expect(variantProblems(drafts)).toEqual([
      'two variants are called “Variant 1”',
      'variant 3 has no name',
      'variant “variant 3” names a provider but no model',
    ]);
  });

  it('a new variant never reuses the id of one left after a removal', () => {
    expect(nextVariant([newVariantDraft(2)]).id).toBe('v3');
  });

  it('a malformed file names itself and its line; a JSON file keeps its types', () => {
    expect(rowsFromFile('bad.csv', 'a,b\n1\n')).toEqual({
      kind: 'malformed',
      source: { kind: 'file', fileName: 'bad.csv', format: 'csv' },
      message: 'bad.csv: line 2 has 1 fields, but the header names 2 columns',
    });
    expect(rowsFromFile('rows.json', '[{"n":"1"}]')).toMatchObject({ kind: 'rows', fromText: false, columns: ['n'] });
    expect(experimentNameFor('W', { kind: 'file', fileName: 'rows.v2.csv', format: 'csv' })).toBe('W over rows.v2');
  });
});
