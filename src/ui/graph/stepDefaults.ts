import type { Step, StepType } from '../../schema/steps';

/** What the palette offers, in its order, with the label and icon a node of the type shows. */
export const STEP_KINDS: ReadonlyArray<{ type: StepType; label: string; icon: string; help: string }> = [
  { type: 'trigger', label: 'Trigger', icon: '▶', help: 'Where a run starts' },
  { type: 'llm', label: 'LLM', icon: '✦', help: 'Ask a model' },
  { type: 'condition', label: 'Condition', icon: '◇', help: 'Branch on an expression' },
  { type: 'action', label: 'Action', icon: '⚙', help: 'Set values, transform, tables, HTTP' },
  { type: 'wait', label: 'Wait', icon: '◷', help: 'Pause for a time' },
  { type: 'approval', label: 'Approval', icon: '✔', help: 'Wait for a person to approve' },
  { type: 'event', label: 'Event', icon: '⚑', help: 'Wait for an event' },
  { type: 'subworkflow', label: 'Subworkflow', icon: '❐', help: 'Run another workflow' },
  { type: 'loop', label: 'Loop', icon: '↻', help: 'Repeat steps for each item' },
  { type: 'parallel', label: 'Parallel', icon: '∥', help: 'Run branches at once' },
];

export function stepKind(type: StepType) {
  return STEP_KINDS.find((k) => k.type === type)!;
}

/**
 * A new step of a type with a config that validates where it can (a subworkflow must still be
 * pointed at a workflow, and the validator says so). Container bodies start with one step each.
 */
export function defaultStep(type: StepType, slug: string, freshSlug: (base: string) => string): Step {
  const base = { stepSlug: slug, name: stepKind(type).label };
  switch (type) {
    case 'trigger':
      return { ...base, stepType: 'trigger', config: { type: 'manual' } };
    case 'llm':
      return {
        ...base,
        stepType: 'llm',
        config: { llmNode: { name: slug, model: 'demo', userPrompt: 'Say hello.', tools: [] } },
      };
    case 'condition':
      return {
        ...base,
        stepType: 'condition',
        config: { rules: [{ when: 'true', next: 'yes' }], default: 'no' },
      };
    case 'action':
      return { ...base, stepType: 'action', config: { action: 'set', values: { value: 1 } } };
    case 'wait':
      return { ...base, stepType: 'wait', config: { durationMs: 1_000 } };
    case 'approval':
      return { ...base, stepType: 'approval', config: { prompt: 'Approve?' } };
    case 'event':
      return { ...base, stepType: 'event', config: { event: 'continue' } };
    case 'subworkflow':
      return { ...base, stepType: 'subworkflow', config: { workflow: 'Another workflow' } };
    case 'loop':
      return {
        ...base,
        stepType: 'loop',
        config: { forEach: [1, 2, 3], steps: [defaultStep('action', freshSlug('item'), freshSlug)] },
      };
    case 'parallel':
      return {
        ...base,
        stepType: 'parallel',
        config: {
          join: 'all',
          branches: {
            a: [defaultStep('action', freshSlug('branch_a'), freshSlug)],
            b: [defaultStep('action', freshSlug('branch_b'), freshSlug)],
          },
        },
      };
  }
}
