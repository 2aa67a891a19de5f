/**
 * How much of the adversarial suite runs. `npm test` runs a sample; `npm run test:adversarial` sets
 * ADVERSARIAL=full. Each count can be set on its own; ADVERSARIAL_SEED replays a failing case.
 */
const full = process.env.ADVERSARIAL === 'full';

function count(name: string, sample: number, fullCount: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return full ? fullCount : sample;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not "${raw}"`);
  return value;
}

export const KNOBS = {
  full,
  /** Generated hostile workflow files given a verdict. */
  files: count('ADVERSARIAL_FILES', 500, 10_000),
  /** Seeded crash/resume cycles (a crash at one store operation, then a resume on a fresh engine). */
  crashCycles: count('ADVERSARIAL_CRASH_CYCLES', 400, 10_000),
  /** Random workflows the crash cycles cover (besides every template). */
  crashWorkflows: count('ADVERSARIAL_CRASH_WORKFLOWS', 12, 200),
  /** Reload/close cycles in the browser soak. */
  browserCycles: count('ADVERSARIAL_BROWSER_CYCLES', 3, 50),
  seed: Number(process.env.ADVERSARIAL_SEED ?? 16_18),
} as const;
