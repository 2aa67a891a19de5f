import { countWords } from './conversation';
import { unit } from './seed';

/** Tokens are estimated from words, for the prompt and the answer alike. */
export const TOKENS_PER_WORD = 1.3;

export function estimateTokens(text: string): number {
  return Math.ceil(countWords(text) * TOKENS_PER_WORD);
}

export interface Chunk {
  delta: string;
  /** How long generating this chunk takes, slept before it is emitted. */
  delayMs: number;
}

/**
 * Splits text into deltas of one to three words (hash-seeded) whose concatenation is the text.
 * Delays follow cumulative rounded targets, so they add up to the whole text's time without drift.
 */
export function chunkText(text: string, seed: number, tokensPerSecond: number): Chunk[] {
  const words = text.match(/\s*\S+/g) ?? [];
  if (words.length === 0) return text === '' ? [] : [{ delta: text, delayMs: 0 }];
  words[words.length - 1] += text.slice(words.join('').length);
  const msAfter = (wordCount: number) => Math.round(((wordCount * TOKENS_PER_WORD) / tokensPerSecond) * 1000);
  const chunks: Chunk[] = [];
  for (let start = 0; start < words.length;) {
    const size = 1 + Math.floor(unit(seed, `chunk:${start}`) * 3);
    const end = Math.min(words.length, start + size);
    chunks.push({ delta: words.slice(start, end).join(''), delayMs: msAfter(end) - msAfter(start) });
    start = end;
  }
  return chunks;
}

/** Time to produce `text` in one piece (a non-streamed answer or a tool call's arguments). */
export function durationMs(text: string, tokensPerSecond: number): number {
  return Math.round(((countWords(text) * TOKENS_PER_WORD) / tokensPerSecond) * 1000);
}

/** Keeps the first words of `text` whose estimate stays within `maxTokens` (possibly none). */
export function truncateToTokens(text: string, maxTokens: number): string {
  const words = text.match(/\s*\S+/g) ?? [];
  const keep = Math.max(0, Math.floor(maxTokens / TOKENS_PER_WORD));
  return words.slice(0, keep).join('').trimStart();
}

/**
 * Waits `ms` through the injected sleep. Rejects with the signal's reason as soon as it aborts,
 * even if the injected sleep ignores the signal.
 */
export async function pause(
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) throw signal.reason;
  if (ms <= 0) return;
  if (!signal) return sleep(ms);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms, signal), aborted]);
    // A sleep may resolve in the same tick as the abort: the abort still wins.
    if (signal.aborted) throw signal.reason;
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
