import type { StepRecord } from '../../engine/records';
import { STATUS_LABEL } from '../runs/format';
import { Fact, Facts, type FactsProps } from './parts';

/** Iterations shown by number at most; the rest are counted. */
const MAX_LISTED = 50;

type Summary = StepRecord['status'];

/** A loop (its iterations, done of total) or a parallel step (its branches and, for join "any", the winner). */
export function ContainerFacts({ step, config, inside }: FactsProps) {
  const prefix = step.path ? `${step.path}/${step.slug}` : step.slug;
  return step.stepType === 'loop' ? (
    <LoopFacts step={step} config={config} inside={inside} prefix={prefix} />
  ) : (
    <ParallelFacts step={step} config={config} inside={inside} prefix={prefix} />
  );
}

interface ContainerProps extends Pick<FactsProps, 'step' | 'config' | 'inside'> {
  /** The path its children's paths start with: `each` → `each[2]`, `fan` → `fan.risk`. */
  prefix: string;
}

function LoopFacts({ step, config, inside, prefix }: ContainerProps) {
  const iterations = new Map<number, StepRecord[]>();
  for (const r of inside) {
    const index = iterationOf(r.path, prefix);
    if (index !== undefined && r.kind === 'step') iterations.set(index, [...(iterations.get(index) ?? []), r]);
  }
  const total = Array.isArray(step.output)
    ? step.output.length
    : Array.isArray(config?.forEach)
      ? config.forEach.length
      : step.meta?.items;
  const done = [...iterations.values()].filter((list) => summarize(list) === 'completed').length;
  const sorted = [...iterations].sort((a, b) => a[0] - b[0]);
  return (
    <Facts>
      <Fact term="Loop">
        {typeof config?.while === 'string' ? (
          <>
            while <code>{config.while}</code>
          </>
        ) : (
          <>
            for each item of <code>{JSON.stringify(config?.forEach ?? '?').slice(0, 120)}</code>
            {typeof config?.concurrency === 'number' ? `, ${config.concurrency} at once` : ''}
          </>
        )}
      </Fact>
      <Fact term="Iterations">
        {done} done{total !== undefined ? ` of ${total}` : `, ${iterations.size} started`}
      </Fact>
      {sorted.length > 0 && (
        <Fact term="Each">
          <ol className="step-chips" aria-label="Iterations">
            {sorted.slice(0, MAX_LISTED).map(([index, list]) => (
              <Chip key={index} label={`#${index + 1}`} status={summarize(list)} />
            ))}
            {sorted.length > MAX_LISTED && <li className="muted">and {sorted.length - MAX_LISTED} more</li>}
          </ol>
        </Fact>
      )}
    </Facts>
  );
}

function ParallelFacts({ step, config, inside, prefix }: ContainerProps) {
  const declared = typeof config?.branches === 'object' && config.branches !== null ? Object.keys(config.branches) : [];
  const join = config?.join === 'any' ? 'any' : 'all';
  const winner = step.meta?.winner;
  return (
    <Facts>
      <Fact term="Join">
        {join === 'any' ? 'any: the first branch to finish wins, the others stop' : 'all: every branch must finish'}
      </Fact>
      {winner !== undefined && <Fact term="Winner">{winner}</Fact>}
      <Fact term="Branches">
        <ol className="step-chips" aria-label="Branches">
          {declared.map((name) => {
            const ofBranch = inside.filter(
              (r) => r.kind === 'step' && (r.path === `${prefix}.${name}` || r.path.startsWith(`${prefix}.${name}/`)),
            );
            const status = ofBranch.length === 0 ? undefined : summarize(ofBranch);
            return <Chip key={name} label={`${name}${name === winner ? ' (winner)' : ''}`} status={status} />;
          })}
        </ol>
      </Fact>
    </Facts>
  );
}

function Chip({ label, status }: { label: string; status: Summary | undefined }) {
  return (
    <li className={`step-chip status-${status ?? 'none'}`} data-status={status ?? 'not-started'}>
      {label} <span className="muted">{status ? STATUS_LABEL[status] : 'not started'}</span>
    </li>
  );
}

/** `each[2]/x` under prefix `each` → 2 (undefined: not inside an iteration of this loop). */
function iterationOf(path: string, prefix: string): number | undefined {
  if (!path.startsWith(`${prefix}[`)) return undefined;
  const close = path.indexOf(']', prefix.length);
  const rest = path.slice(close + 1);
  if (close === -1 || (rest !== '' && !rest.startsWith('/'))) return undefined;
  const index = Number(path.slice(prefix.length + 1, close));
  return Number.isInteger(index) ? index : undefined;
}

/** One status for a group of inside: failed wins, then running or waiting, then completed. */
function summarize(list: readonly StepRecord[]): Summary {
  for (const status of ['failed', 'started', 'waiting', 'cancelled'] as const)
    if (list.some((r) => r.status === status)) return status;
  return 'completed';
}
