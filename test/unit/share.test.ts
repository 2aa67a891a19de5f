import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeSharePayload, encodeSharePayload, shareDataFromHash, ShareLinkError } from '../../src/schema/share';

const toBase64Url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('share links', () => {
  it('round-trips unicode text', async () => {
    const text = JSON.stringify({ name: 'Grüße 👋 — 東京' });
    expect(await decodeSharePayload(await encodeSharePayload(text))).toBe(text);
  });

  it('reads only #workflow= fragments', () => {
    expect(shareDataFromHash('#workflow=abc')).toBe('abc');
    expect(shareDataFromHash('workflow=abc')).toBe('abc');
    expect(shareDataFromHash('#settings')).toBeNull();
    expect(shareDataFromHash('')).toBeNull();
  });

  it('explains a link that was cut off', async () => {
    const data = await encodeSharePayload(JSON.stringify({ long: 'x'.repeat(2000), more: Math.PI }));
    await expect(decodeSharePayload(data.slice(0, Math.floor(data.length / 2)))).rejects.toThrow(/damaged or incomplete/);
  });

  it('explains a link with characters that cannot be in one', async () => {
    await expect(decodeSharePayload('abc$%^')).rejects.toBeInstanceOf(ShareLinkError);
    await expect(decodeSharePayload('')).rejects.toThrow(/damaged/);
  });

  it('explains a link whose bytes are not compressed text', async () => {
    await expect(decodeSharePayload(toBase64Url(new Uint8Array([255, 0, 255, 1, 2, 3, 4, 5])))).rejects.toThrow(/damaged/);
    await expect(decodeSharePayload(toBase64Url(deflateRawSync(Buffer.from([0xff, 0xfe, 0xc0]))))).rejects.toThrow(/damaged/);
  });

  it('stops inflating a tiny link that expands past the import limit', async () => {
    const bomb = toBase64Url(deflateRawSync(Buffer.alloc(50 * 1024 * 1024, 0x20)));
    expect(bomb.length).toBeLessThan(100_000);
    await expect(decodeSharePayload(bomb)).rejects.toThrow(/more than 4\.0 MB/);
  });
});
