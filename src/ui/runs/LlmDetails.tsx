import type { StepMeta, StepRecord } from '../../engine/records';
import { describeStepCost, stepCost } from './cost';
import { formatJson } from './format';
import { useStreamingText } from './useStreamingText';

type Usage = {
  inputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
  totalTokens?: number;
};
/** What an LLM step did: who answered, tokens and cost, each round's tool calls, and live text while it streams. */
export function LlmDetails({ step, effects }: { step: StepRecord; effects: StepRecord[] }) {
  const running = step.status === 'started';
  const streaming = useStreamingText(step.key, running);
  const meta: StepMeta = step.meta ?? {};
  const rounds = effects.filter((e) => e.stepType === 'llm-round');
  const tools = effects.filter((e) => e.stepType === 'tool');
  const interrupted = rounds.flatMap((r) =>
    r.attempts
      .filter((a) => a.partialText && a.outcome !== 'running')
      .map((a) => ({ round: r.key.slice(step.key.length + 1), ...a })),
  );
  return (
    <div className="llm-details">
      {(meta.provider || meta.model) && (
        <p className="llm-meta muted">
          {meta.provider === 'demo' ? (
            <span className="badge badge-demo">demo model</span>
          ) : (
            <span>
              {meta.provider} · {meta.model}
            </span>
          )}
          {meta.usage && <span> · {formatUsage(meta.usage)}</span>}
          {meta.usage && <span className="step-cost"> · {describeStepCost(stepCost(meta))}</span>}
        </p>
      )}
      {meta.note && (
        <p className="llm-note" role="note">
          {meta.note}
        </p>
      )}
      {running && streaming && (
        <pre className="step-stream" aria-live="polite">
          {streaming}
        </pre>
      )}
      {tools.length > 0 && (
        <details className="step-output">
          <summary>Tool calls ({tools.length})</summary>
          <ol className="tool-calls">
            {tools.map((tool) => {
              const input = tool.input as { tool?: string; args?: unknown } | undefined;
              return (
                <li key={tool.key} data-tool={input?.tool} data-status={tool.status}>
                  <code>
                    {input?.tool}({formatJson(input?.args)})
                  </code>
                  <pre>{formatJson(tool.output)}</pre>
                </li>
              );
            })}
          </ol>
        </details>
      )}
      {interrupted.length > 0 && (
        <details className="step-output">
          <summary>Interrupted attempts ({interrupted.length})</summary>
          <pre>{interrupted.map((a) => `${a.round} attempt ${a.n} (${a.outcome}): ${a.partialText}`).join('\n\n')}</pre>
        </details>
      )}
    </div>
  );
}

export function formatUsage(usage: Usage): string {
  const parts = [`${usage.totalTokens ?? 0} tokens`, `${usage.inputTokens ?? 0} in`, `${usage.outputTokens ?? 0} out`];
  if (usage.reasoningTokens) parts.push(`${usage.reasoningTokens} reasoning`);
  if (usage.cachedInputTokens) parts.push(`${usage.cachedInputTokens} cached`);
  return parts.join(', ');
}
