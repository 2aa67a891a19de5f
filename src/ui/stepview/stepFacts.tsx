import type { ReactNode } from 'react';
import type { StepType } from '../../schema/steps';
import { useNow } from '../common/time';
import { formatTime, summarizeInput } from '../runs/format';
import { describeSleep, formatWake } from '../runs/WaitBanner';
import { ChildRunFacts } from './ChildRunFacts';
import { ContainerFacts } from './ContainerFacts';
import { Fact, Facts, type FactsProps } from './parts';
import { LlmFacts } from './LlmFacts';

/**
 * One rendering per step type: the table is total over `StepType`, so a new type does not compile until it
 * is described here. A record of a type this version does not know gets none.
 */
const FACTS: Record<StepType, (props: FactsProps) => ReactNode> = {
  trigger: TriggerFacts,
  llm: LlmFacts,
  condition: ConditionFacts,
  action: ActionFacts,
  wait: WaitFacts,
  approval: ApprovalFacts,
  event: EventFacts,
  subworkflow: ChildRunFacts,
  loop: ContainerFacts,
  parallel: ContainerFacts,
};

export function StepFacts(props: FactsProps) {
  const Facts = Object.hasOwn(FACTS, props.step.stepType) ? FACTS[props.step.stepType as StepType] : undefined;
  return Facts ? <Facts {...props} /> : null;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function TriggerFacts({ run, step }: FactsProps) {
  return (
    <Facts>
      <Fact term="Trigger">manual: the run was started by hand</Fact>
      <Fact term="Run input">{summarizeInput(run.input, 200)}</Fact>
      {step.output !== undefined && <Fact term="Trigger data">shown as the output below</Fact>}
    </Facts>
  );
}

function ConditionFacts({ step, config }: FactsProps) {
  const output = record(step.output);
  const rules = Array.isArray(config?.rules) ? config.rules.map(record) : [];
  const matched = typeof output.matched === 'number' ? output.matched : undefined;
  const rule = matched === undefined ? undefined : rules[matched];
  const finished = step.status === 'completed';
  return (
    <Facts>
      <Fact term="Branch taken">{!finished ? 'not decided yet' : (step.branch ?? text(output.branch) ?? 'none')}</Fact>
      {finished && (
        <Fact term="Why">
          {matched !== undefined ? (
            <>
              rule {matched + 1} of {rules.length || '?'} held
              {text(rule?.when) && (
                <>
                  : <code>{text(rule?.when)}</code>
                </>
              )}
            </>
          ) : output.branch === null ? (
            'no rule held and there is no default: this path ended'
          ) : (
            'no rule held: the default branch'
          )}
        </Fact>
      )}
    </Facts>
  );
}

function ActionFacts({ step, config }: FactsProps) {
  const input = record(step.input);
  const output = record(step.output);
  const action = text(config?.action) ?? (input.method !== undefined ? 'http' : input.table ? 'table.query' : '');
  switch (action) {
    case 'http':
      return (
        <Facts>
          <Fact term="Request">
            <code>
              {text(input.method) ?? text(config?.method)} {text(input.url) ?? text(config?.url)}
            </code>
          </Fact>
          <Fact term="Status">{typeof output.status === 'number' ? output.status : 'no response yet'}</Fact>
          {Array.isArray(input.sendsSecrets) && input.sendsSecrets.length > 0 && (
            <Fact term="Sends secrets">{input.sendsSecrets.join(', ')} (shown as placeholders)</Fact>
          )}
          {step.meta?.note && <Fact term="Note">{step.meta.note}</Fact>}
        </Facts>
      );
    case 'table.query':
      return (
        <Facts>
          <Fact term="Table">{text(input.table) ?? text(config?.table)}</Fact>
          <Fact term="Rows read">{typeof output.count === 'number' ? output.count : 'not yet'}</Fact>
        </Facts>
      );
    case 'table.update':
      return (
        <Facts>
          <Fact term="Table">{text(config?.table)}</Fact>
          <Fact term="Rows updated">
            {typeof output.updated === 'number' ? output.updated : 'not yet'}
            {output.created === true ? ' (a new row was inserted)' : ''}
          </Fact>
        </Facts>
      );
    case 'transform':
      return (
        <Facts>
          <Fact term="Expression">
            <code>{text(config?.expression)}</code>
          </Fact>
        </Facts>
      );
    default:
      return (
        <Facts>
          <Fact term="Action">{action || 'set'}: the output holds the values with their templates filled in</Fact>
        </Facts>
      );
  }
}

function WaitFacts({ step, config }: FactsProps) {
  const now = useNow(1_000);
  const woke = record(step.output).wokeAt;
  const asked =
    typeof config?.durationMs === 'number' ? `${config.durationMs} ms after it started` : text(config?.until);
  return (
    <Facts>
      {asked && <Fact term="Waits">{asked}</Fact>}
      {typeof woke === 'number' ? (
        <Fact term="Woke">at {formatTime(woke)}</Fact>
      ) : (
        step.wakeAt !== undefined && <Fact term="Wake time">{describeSleep(step.wakeAt, now)}</Fact>
      )}
    </Facts>
  );
}

function ApprovalFacts({ step }: FactsProps) {
  const now = useNow(1_000);
  const prompt = text(record(step.input).prompt);
  const answer = record(step.output);
  return (
    <Facts>
      {prompt && <Fact term="Asked">{prompt}</Fact>}
      <Fact term="Answer">
        {step.status === 'completed'
          ? `${answer.approved === true ? 'Approved' : 'Rejected'} in this browser${answeredAt(answer.at)}`
          : step.status === 'failed'
            ? 'none: the approval timed out'
            : 'waiting for an answer'}
      </Fact>
      {text(answer.note) && <Fact term="Reason given">{text(answer.note)}</Fact>}
      {step.status === 'waiting' && step.wakeAt !== undefined && (
        <Fact term="Gives up">{formatWake(step.wakeAt, now)}</Fact>
      )}
    </Facts>
  );
}

const answeredAt = (at: unknown) => (typeof at === 'number' ? ` at ${formatTime(at)}` : '');

function EventFacts({ step, config }: FactsProps) {
  const now = useNow(1_000);
  const name = text(config?.event);
  return (
    <Facts>
      {name && <Fact term="Event">“{name}”</Fact>}
      <Fact term="Received">
        {step.status === 'completed' && step.endedAt !== undefined
          ? `at ${formatTime(step.endedAt)}; its payload is the output`
          : step.status === 'failed'
            ? 'no: the wait timed out'
            : 'not yet'}
      </Fact>
      {step.status === 'waiting' && step.wakeAt !== undefined && (
        <Fact term="Gives up">{formatWake(step.wakeAt, now)}</Fact>
      )}
    </Facts>
  );
}
