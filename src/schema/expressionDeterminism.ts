import { refuse, type Builtins, type NativeFunction, type NativeImplementation } from './expressionGuards';
import { fnv1a32 } from './hash';

/**
 * The built-ins whose results would otherwise depend on when or where an expression runs: `$now`,
 * `$millis`, `$random`, `$shuffle` and `$toMillis` read the step's logical time and seed instead,
 * so a step recomputed after a crash gives identical output.
 */

export interface EvaluationOptions {
  /** What `$now()` and `$millis()` return. */
  nowMs: number;
  /** Seeds `$random()` and `$shuffle()`. */
  seed: string;
}

/** Ways to split a timestamp among picture components that `$toMillis` may backtrack over (≈150 ms worst). */
const PICTURE_PARSE_MAX_SPLITS = 10_000_000;

export const DETERMINISTIC: ReadonlySet<string> = new Set(['now', 'millis', 'random', 'shuffle', 'toMillis']);

export function deterministicOverrides(options: EvaluationOptions, base: Builtins): Partial<Builtins> {
  const random = seededRandom(options.seed);
  const override = (name: keyof Builtins, implementation: NativeImplementation): NativeFunction => ({
    ...base[name],
    implementation,
  });
  return {
    now: override('now', function (picture, timezone) {
      return base.fromMillis.implementation.call(this, options.nowMs, picture, timezone);
    }),
    millis: override('millis', function () {
      return options.nowMs;
    }),
    random: override('random', function () {
      return random();
    }),
    shuffle: override('shuffle', function (values) {
      return shuffled(values, random);
    }),
    toMillis: override('toMillis', function (timestamp, picture) {
      if (typeof timestamp === 'string' && typeof picture === 'string') assertCheapPictureParse(timestamp, picture);
      // A picture without a date takes today's date from the environment's timestamp: make it ours.
      const environment = { ...this.environment, timestamp: new Date(options.nowMs) };
      return base.toMillis.implementation.call({ ...this, environment }, timestamp, picture);
    }),
  };
}

/** mulberry32 seeded with an FNV-1a hash of the seed: the same seed gives the same sequence. */
function seededRandom(seed: string): () => number {
  let state = fnv1a32(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffled(values: unknown, random: () => number): unknown {
  if (values === undefined) return undefined;
  const copy = Array.isArray(values) ? [...values] : [values];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/**
 * `$toMillis(text, picture)` matches the text with a native regex built from the picture, which
 * backtracks over the ways to split the text among the picture's components; refuse the costly cases.
 */
function assertCheapPictureParse(timestamp: string, picture: string): void {
  const components = picture.replaceAll('[[', '').split('[').length - 1;
  let splits = 1;
  for (let index = 1; index <= components && splits <= PICTURE_PARSE_MAX_SPLITS; index += 1) {
    splits = (splits * (timestamp.length + index)) / index;
  }
  if (splits > PICTURE_PARSE_MAX_SPLITS) {
    refuse(`$toMillis(): the timestamp is too long for a picture with ${components} components`);
  }
}
