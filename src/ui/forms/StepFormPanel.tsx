import type { ComponentType } from 'react';
import { STEP_TYPES, type StepType } from '../../schema/steps';
import { stepKind } from '../graph/stepDefaults';
import { ActionFields } from './ActionFields';
import { CommonFields, IdentityFields } from './CommonFields';
import { ConditionFields } from './ConditionFields';
import { LoopFields, ParallelFields } from './ContainerFields';
import { StepFormScope, useStepForm, type StepFormProps } from './formContext';
import { LlmFields } from './LlmFields';
import { fieldId } from './path';
import { ApprovalFields, EventFields, SubworkflowFields, TriggerFields, WaitFields } from './SimpleFields';
import './forms.css';

export type { StepFormProps } from './formContext';

/** The fields of each step type, beside the common ones. */
const TYPE_FIELDS: Record<StepType, ComponentType> = {
  trigger: TriggerFields,
  llm: LlmFields,
  condition: ConditionFields,
  action: ActionFields,
  wait: WaitFields,
  approval: ApprovalFields,
  event: EventFields,
  subworkflow: SubworkflowFields,
  loop: LoopFields,
  parallel: ParallelFields,
};

/** The form of the step at `stepPath`: its type's fields and the common ones, with the JSON view's problems. */
export function StepFormPanel(props: StepFormProps) {
  return (
    <StepFormScope {...props}>
      <StepFormBody />
    </StepFormScope>
  );
}

function StepFormBody() {
  const form = useStepForm();
  const type = form.step.stepType;
  const known = (STEP_TYPES as readonly unknown[]).includes(type);
  const Fields = known ? TYPE_FIELDS[type as StepType] : undefined;
  const kind = known ? stepKind(type as StepType) : undefined;
  const slug = typeof form.step.stepSlug === 'string' ? form.step.stepSlug : '';
  return (
    <form
      className="step-form"
      aria-label={`Step ${slug}`}
      onSubmit={(e) => e.preventDefault()}
      data-testid="step-form"
      data-state={form.loaded ? 'ready' : 'loading'}>
      <header className="step-form-header">
        <span className="step-form-icon" aria-hidden="true">
          {kind?.icon ?? '?'}
        </span>
        <div>
          <h2>{typeof form.step.name === 'string' && form.step.name ? form.step.name : slug}</h2>
          <p className="form-help">
            {kind ? `${kind.label} step — ${kind.help.toLowerCase()}` : `unknown step type ${JSON.stringify(type)}`}
          </p>
        </div>
      </header>
      <ProblemSummary />
      <IdentityFields />
      {Fields && <Fields />}
      <CommonFields />
    </form>
  );
}

/** Every problem of the step at the top, each linking to its field (the messages the JSON view shows). */
function ProblemSummary() {
  const form = useStepForm();
  if (form.problems.length === 0) return null;
  const errors = form.problems.filter((p) => p.severity === 'error').length;
  return (
    <section className="form-summary" aria-label="Problems in this step">
      <p>
        {errors} error{errors === 1 ? '' : 's'}, {form.problems.length - errors} warning
        {form.problems.length - errors === 1 ? '' : 's'}
      </p>
      <ul>
        {form.problems.map((p, i) => (
          <li key={`${p.path}-${p.code}-${i}`} className={`form-problem form-problem-${p.severity}`}>
            <a href={`#${fieldId(p.segments)}`} onClick={(e) => focusNearest(e, p.segments)}>
              <code>{p.path}</code>
            </a>{' '}
            {p.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Focuses the field of the problem's path, or of the nearest enclosing path that has a field. */
function focusNearest(event: { preventDefault(): void }, segments: readonly (string | number)[]): void {
  event.preventDefault();
  for (let end = segments.length; end > 0; end--) {
    const element = document.getElementById(fieldId(segments.slice(0, end)));
    if (element) {
      element.focus();
      return;
    }
  }
}

function typeForm(type: StepType) {
  const Fields = TYPE_FIELDS[type];
  const Form = (props: StepFormProps) => (
    <StepFormScope {...props}>
      <Fields />
    </StepFormScope>
  );
  Form.displayName = `${type}Form`;
  return Form;
}

/** The per-type forms alone (no common fields), taking the same props as the panel. */
export const TriggerForm = typeForm('trigger');
export const LlmForm = typeForm('llm');
export const ConditionForm = typeForm('condition');
export const ActionForm = typeForm('action');
export const WaitForm = typeForm('wait');
export const ApprovalForm = typeForm('approval');
export const EventForm = typeForm('event');
export const SubworkflowForm = typeForm('subworkflow');
export const LoopForm = typeForm('loop');
export const ParallelForm = typeForm('parallel');

export default StepFormPanel;
