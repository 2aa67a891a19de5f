import { describe, expect, it } from 'vitest';
import { definitionHash, fnv1a32, stableStringify } from '../../../src/schema/hash';
import { hashUnit } from '../../../src/engine/retry';
import { TEMPLATES } from '../../../src/templates';

/**
 * Definition hashes address stored definitions: a change to the hashing or the stable JSON would
 * orphan every stored run. These values were computed before the hashing modules were merged.
 */
const GOLDEN: Record<string, string> = {
  'single-customer-status': '3fb4e1bd3c8322009cd87e3fcaebac38df1891b959b9d86fd7f33b60ff01784f',
  'weather-outfit-chain': '43091987be7210471d15a32549ecdedfa610b350ca565296dde525ddfb4e421e',
  'parallel-analysis': '61a410fbd7da9ba3872ff8a013847f4b0615657937bf5a4157a2f3de2eaad1d9',
  'support-routing': '22feaaee787c46ec940f57f313dbd04f796d8c4c7e32a6af5291815c8541a641',
  'approval-before-update': 'c3eb3ed06121efb6882956b0104be34b1e2d73aff91fa88cbce3ab9ead9d517b',
  'invoice-extraction': '8046b4e372507dcb84bd95c8dc2005051c70cc84b6bc24159a5b23c95eeaab67',
  'customer-digest': 'e72b59f9f2ed6b5d8f1b1f0678fb6d27b1f5fb1c71514490d46bf8921894efff',
};

describe('hashes stay byte-identical', () => {
  it('covers every built-in template', () => {
    expect(TEMPLATES.map((t) => t.id).sort()).toEqual(Object.keys(GOLDEN).sort());
  });

  it.each(TEMPLATES.map((t) => [t.id, t.doc] as const))('the definition hash of %s', async (id, doc) => {
    expect(await definitionHash(doc)).toBe(GOLDEN[id]);
  });

  it('a definition hashes the same whatever its key order', async () => {
    const doc = TEMPLATES[0]!.doc;
    const reordered = Object.fromEntries(Object.entries(doc).reverse());
    expect(await definitionHash(reordered)).toBe(GOLDEN[TEMPLATES[0]!.id]);
  });

  it(
    'stable JSON: sorted keys, undefined dropped in objects and null in arrays, ' +
      'bytes and URLs as the demo model sent them',
    () => {
      const value = {
        b: [1, undefined, { z: new Uint8Array([3, 4]), a: new URL('https://x.test/a?b') }],
        a: 'é',
        u: undefined,
        n: null,
      };
      expect(stableStringify(value)).toBe('{"a":"é","b":[1,null,{"a":"https://x.test/a?b","z":[3,4]}],"n":null}');
      expect(stableStringify(undefined)).toBe('null');
    },
  );

  it('FNV-1a and the retry jitter it seeds', () => {
    expect(fnv1a32('run1:ask@/r1')).toBe(1561692794);
    expect(fnv1a32('')).toBe(2166136261);
    expect(hashUnit('run1:call@#1')).toBe(0.0378579122480005);
  });
});
