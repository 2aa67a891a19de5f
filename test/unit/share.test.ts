import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../src/schema/limits';
import {
  decodeSharePayload,
  encodeSharePayload,
  MAX_SHARE_PAYLOAD_CHARS,
  shareDataFromHash,
  ShareLinkError,
} from '../../src/schema/share';
import { zerosPayload } from '../support/hostileImports';

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
    await expect(decodeSharePayload(data.slice(0, Math.floor(data.length / 2)))).rejects.toThrow(
      /damaged or incomplete/,
    );
  });

  it('explains a link with characters that cannot be in one', async () => {
    await expect(decodeSharePayload('abc$%^')).rejects.toBeInstanceOf(ShareLinkError);
    await expect(decodeSharePayload('')).rejects.toThrow(/damaged/);
  });

  it('explains a link whose bytes are not compressed text', async () => {
    await expect(decodeSharePayload(toBase64Url(new Uint8Array([255, 0, 255, 1, 2, 3, 4, 5])))).rejects.toThrow(
      /damaged/,
    );
    await expect(decodeSharePayload(toBase64Url(deflateRawSync(Buffer.from([0xff, 0xfe, 0xc0]))))).rejects.toThrow(
      /damaged/,
    );
  });

  it('stops inflating a tiny link that expands past the import limit', async () => {
    const bomb = toBase64Url(deflateRawSync(Buffer.alloc(50 * 1024 * 1024, 0x20)));
    expect(bomb.length).toBeLessThan(100_000);
    await expect(decodeSharePayload(bomb)).rejects.toThrow(/more than 4\.0 MB/);
  });
});

describe('share-link bombs (issue 18)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses 1 GB of zeros quickly, with bounded memory, having inflated only a few small slices', async () => {
    const payload = await zerosPayload(1024 ** 3);
    expect(payload.length).toBeLessThan(MAX_SHARE_PAYLOAD_CHARS);
    const write = vi.spyOn(WritableStreamDefaultWriter.prototype, 'write');
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 1);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    await expect(decodeSharePayload(payload)).rejects.toThrow(/holds more than 4\.0 MB of data/);
    const ms = performance.now() - started;
    clearInterval(sampler);
    const written = write.mock.calls.map(([chunk]) => (chunk as Uint8Array).length);
    expect(Math.max(...written)).toBeLessThanOrEqual(64 * 1024);
    // Cancelled at the limit: most of the ~1 MB of compressed input was never fed in.
    expect(written.reduce((a, b) => a + b, 0)).toBeLessThan((payload.length * 0.75) / 10);
    expect(peakRss - before).toBeLessThan(200 * 1024 * 1024);
    expect(ms).toBeLessThan(3_000);
  });

  it('refuses a payload longer than any workflow within the limit can need, before decoding it', async () => {
    const inflater = vi.spyOn(globalThis, 'DecompressionStream');
    await expect(decodeSharePayload('A'.repeat(MAX_SHARE_PAYLOAD_CHARS + 1))).rejects.toThrow(
      /too long: its data is 5\.3 MB, and a workflow within the 4\.0 MB import limit needs at most 5\.3 MB/,
    );
    expect(inflater).not.toHaveBeenCalled();
  });

  it('still opens a link to an incompressible workflow just under the import limit', async () => {
    const text = JSON.stringify({ noise: randomBytes(Math.floor(LIMITS.importBytes * 0.74)).toString('base64') });
    expect(text.length).toBeLessThan(LIMITS.importBytes);
    const payload = await encodeSharePayload(text);
    expect(payload.length).toBeLessThanOrEqual(MAX_SHARE_PAYLOAD_CHARS);
    expect(await decodeSharePayload(payload)).toBe(text);
  });
});
