import { describe, expect, it } from 'vitest';
import { definitionHash } from '../../../src/schema/hash';
import { definitionHashSync } from '../../../src/schema/hash';
import { sha256Hex } from '../../../src/schema/sha256';
import { TEMPLATES } from '../../../src/templates';

const hex = (text: string) => sha256Hex(new TextEncoder().encode(text));

describe('synchronous SHA-256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('the standard vector %j', (text, expected) => {
    expect(hex(text)).toBe(expected);
  });

  it('a million "a" (many blocks)', () => {
    expect(hex('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it.each([55, 56, 63, 64, 65, 119, 120])('a message of %i bytes (padding edges) matches WebCrypto', async (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    expect(sha256Hex(bytes)).toBe([...digest].map((b) => b.toString(16).padStart(2, '0')).join(''));
  });

  it.each(TEMPLATES.map((t) => [t.id, t.doc] as const))(
    'the definition hash of %s equals the one runs store',
    async (_, doc) => {
      expect(definitionHashSync(doc)).toBe(await definitionHash(doc));
    },
  );
});
