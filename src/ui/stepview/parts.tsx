import type { ReactNode } from 'react';
import type { RunRecord, StepRecord } from '../../engine/records';
import type { RawObject } from '../../schema/walk';

/** What the inspector knows about one step, for the line of facts its type gets. */
export interface FactsProps {
  run: RunRecord;
  step: StepRecord;
  /** The step's `config` in the definition the run started with (undefined: not loaded, or unknown). */
  config: RawObject | undefined;
  /** For a loop or parallel step, the records of the steps inside it. */
  inside: readonly StepRecord[];
  /** Records inside the step (model rounds, tool calls). */
  effects: readonly StepRecord[];
}

/** A list of facts about a step (term: what it is), and one of them. */
export function Facts({ children }: { children: ReactNode }) {
  return <dl className="step-facts">{children}</dl>;
}

export function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="step-fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A titled part of the inspector. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="step-section" aria-label={title}>
      <h4>{title}</h4>
      {children}
    </section>
  );
}
