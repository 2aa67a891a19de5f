import { fnv1a32 } from '../../schema/hash';

/**
 * Deterministic choices. Every "random" pick of the demo model is a hash of the prompt's seed and
 * a label, so the same prompt always gives the same answer and no global state is touched.
 */

/** A stable number in [0, 1) for this seed and label. */
export function unit(seed: number, label: string): number {
  return fnv1a32(`${seed}:${label}`) / 2 ** 32;
}

export function pick<T>(seed: number, label: string, options: readonly T[]): T {
  if (options.length === 0) throw new Error(`pick(${label}): no options`);
  return options[Math.floor(unit(seed, label) * options.length)]!;
}
