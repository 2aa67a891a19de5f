import type { StepRecord } from '../../engine/records';
import { STATUS_LABEL } from '../runs/format';
import { formatUsage } from '../runs/LlmDetails';
import { JsonTree } from './JsonTree';

/** What a model round's record holds as output (the engine's `ModelReply`), read defensively. */
interface RoundReply {
  text?: unknown;
  usage?: Parameters<typeof formatUsage>[0];
  finishReason?: unknown;
}

/**
 * An LLM step's rounds (`…/r1`, `…/r2`) in order, each with what the model said and the tool calls it
 * asked for: the tool, its arguments and its result (or error), from the step's `tool-call` records.
 */
export function StepRounds({ step, effects }: { step: StepRecord; effects: readonly StepRecord[] }) {
  const rounds = effects.filter((e) => e.kind === 'llm-round').sort((a, b) => a.seq - b.seq);
  if (rounds.length === 0) return <p className="muted">No model round recorded yet.</p>;
  return (
    <ol className="step-rounds">
      {rounds.map((round, index) => {
        const reply = (round.output ?? {}) as RoundReply;
        const tools = effects.filter((e) => e.kind === 'tool-call' && e.key.startsWith(`${round.key}/`));
        return (
          <li key={round.key} className="step-round" data-round={index + 1} data-status={round.status}>
            <p className="step-round-head">
              <strong>Round {index + 1}</strong>{' '}
              <span className={`status-label status-${round.status}`}>{STATUS_LABEL[round.status]}</span>
              {reply.usage && <span className="muted"> · {formatUsage(reply.usage)}</span>}
              {tools.length > 0 && (
                <span className="muted">
                  {' '}
                  · {tools.length} tool call{tools.length === 1 ? '' : 's'}
                </span>
              )}
            </p>
            {typeof reply.text === 'string' && reply.text !== '' && <pre className="step-round-text">{reply.text}</pre>}
            {round.error && <p className="step-error">{round.error.message}</p>}
            {tools.length > 0 && (
              <ol className="tool-call-list" aria-label={`Tool calls of round ${index + 1}`}>
                {tools.map((tool) => (
                  <ToolCallItem key={tool.key} tool={tool} />
                ))}
              </ol>
            )}
          </li>
        );
      })}
      {step.status === 'started' && rounds.at(-1)?.status === 'completed' && (
        <li className="muted">Running the next round…</li>
      )}
    </ol>
  );
}

function ToolCallItem({ tool }: { tool: StepRecord }) {
  const input = (tool.input ?? {}) as { tool?: unknown; args?: unknown };
  const name = typeof input.tool === 'string' ? input.tool : tool.slug;
  const result = tool.output as { error?: unknown } | undefined;
  const refused = typeof result === 'object' && result !== null && typeof result.error === 'string';
  return (
    <li className="tool-call" data-tool={name} data-status={tool.status}>
      <p>
        <code className="tool-call-name">{name}</code>{' '}
        <span className={`status-label status-${tool.status}`}>{STATUS_LABEL[tool.status]}</span>
        {refused && <span className="step-error"> · the tool answered with an error</span>}
        {tool.meta?.note && <span className="muted"> · {tool.meta.note}</span>}
      </p>
      <div className="tool-call-parts">
        <div>
          <h5>Arguments</h5>
          <JsonTree value={input.args} label={`Arguments of ${name}`} />
        </div>
        <div>
          <h5>Result</h5>
          {tool.error ? (
            <p className="step-error">
              {tool.error.message} <span className="muted">({tool.error.category})</span>
            </p>
          ) : tool.output === undefined ? (
            <p className="muted">No result yet</p>
          ) : (
            <JsonTree value={tool.output} label={`Result of ${name}`} />
          )}
        </div>
      </div>
    </li>
  );
}
