import type { RunStatus, StepRecord } from '../../engine/records';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  // Whole seconds first: 9 min 59.6 s reads "10 min 0 s", never "9 min 60 s".
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** One formatter for every time shown (making one per call is most of the cost of a long list's rows). */
const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export function formatTime(ms: number): string {
  return TIME_FORMAT.format(ms);
}

/** Compact JSON for display; long values are cut with a note. */
export function formatJson(value: unknown, maxChars = 20_000): string {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)` : text;
}

export const STATUS_LABEL: Record<RunStatus | StepRecord['status'], string> = {
  pending: 'pending',
  running: 'running',
  started: 'running',
  waiting: 'waiting',
  paused: 'paused',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** "fan.risk", "each[2]" → how deep a step sits, for indenting the step list. */
export function pathDepth(path: string): number {
  return path === '' ? 0 : path.split('/').length;
}

/** A run's input in one short line: `customerId: cus_002, limit: 5`; "no input" for an empty one. */
export function summarizeInput(input: unknown, maxChars = 60): string {
  let text: string;
  if (input === undefined || input === null) text = '';
  else if (typeof input === 'object' && !Array.isArray(input))
    text = Object.entries(input)
      .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
  else text = typeof input === 'string' ? input : JSON.stringify(input);
  if (!text) return 'no input';
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
