import type { StepRecord } from '../../engine/records';
import type { StepType } from '../../schema/steps';
import type { RawObject } from '../../schema/walk';

/**
 * Why a step record has no `input`: the engine records the resolved input of LLM, http, table and
 * subworkflow steps and of approvals; for the others it is in the output, the facts, or nowhere.
 */
const REASONS: Record<StepType, string> = {
  trigger: 'A trigger has no input of its own: its data, templates filled in, is its output.',
  llm: 'Not recorded yet: the prompts are filled in when the step starts.',
  condition: 'A condition reads the run through its rules (expressions, not templates): see the branch taken.',
  action: 'This action records no input: its values, templates filled in, are its output.',
  wait: 'A wait records the wake time it resolved (above), not an input.',
  approval: 'Not recorded yet: the prompt is filled in when the step starts.',
  event: 'An event step has no templates: it waits for the event named above.',
  subworkflow: 'Not recorded yet: the child input is filled in when the step starts.',
  loop: 'The list a loop resolved is not recorded: see its iterations above, and each as a step of its own.',
  parallel: 'A parallel step has no input of its own: its branches read the run.',
};

export function missingInputReason(step: StepRecord, config: RawObject | undefined): string {
  if (step.stepType === 'action' && config?.action === 'transform')
    return 'A transform evaluates its expression (shown above) over the run: its value is the output.';
  return Object.hasOwn(REASONS, step.stepType) ? REASONS[step.stepType as StepType] : 'No input recorded.';
}
