import type { StepMeta } from '../../engine/records';
import { describeStepCost, stepCost } from '../runs/cost';
import { formatUsage } from '../runs/LlmDetails';
import { useStreamingText } from '../runs/useStreamingText';
import { Fact, Facts, Section, type FactsProps } from './parts';

/** An LLM step: what answered, tokens and cost, its prompts with templates filled in, and the live text. */
export function LlmFacts({ step }: FactsProps) {
  const running = step.status === 'started';
  const streaming = useStreamingText(step.key, running);
  const meta: StepMeta = step.meta ?? {};
  const input = (step.input ?? {}) as { systemPrompt?: unknown; userPrompt?: unknown; model?: unknown };
  return (
    <>
      <Facts>
        <Fact term="Model">
          {meta.provider === 'demo' ? (
            <span className="badge badge-demo">demo model</span>
          ) : meta.provider ? (
            `${meta.provider} · ${meta.model ?? ''}`
          ) : (
            `${typeof input.model === 'string' ? input.model : '?'} (not answered yet)`
          )}
        </Fact>
        <Fact term="Tokens">{meta.usage ? formatUsage(meta.usage) : 'none counted yet'}</Fact>
        <Fact term="Cost">{meta.usage ? describeStepCost(stepCost(meta)) : '—'}</Fact>
        {meta.rounds !== undefined && <Fact term="Rounds">{meta.rounds}</Fact>}
      </Facts>
      {meta.note && (
        <p className="llm-note" role="note">
          {meta.note}
        </p>
      )}
      {typeof input.systemPrompt === 'string' && <Prompt title="System prompt" text={input.systemPrompt} />}
      {typeof input.userPrompt === 'string' && <Prompt title="User prompt" text={input.userPrompt} />}
      {running && (
        <Section title="Live answer">
          <pre className="step-stream" aria-live="polite" data-testid="step-stream">
            {streaming ?? 'Waiting for the first words…'}
          </pre>
        </Section>
      )}
    </>
  );
}

function Prompt({ title, text }: { title: string; text: string }) {
  return (
    <Section title={title}>
      <pre className="step-prompt">{text}</pre>
    </Section>
  );
}
