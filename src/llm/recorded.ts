import type { ModelReply, ModelRound, ModelRunner } from '../engine/llmTypes';
import { requestFingerprint, type RecordedRequest } from '../schema/runBundle';

/**
 * The "recorded" model: a replay of a run opened from a bundle is answered from that run's recording
 * wherever the request is the one recorded (model, messages, tools and settings alike), with no key and no
 * request; any other round — a changed prompt, or a step downstream of one — goes to the live runner.
 */

/** Recorded answers by the fingerprint of the request they answered (`requestFingerprint`). */
export type Recording = ReadonlyMap<string, ModelReply>;

/** A round as the recording knows requests: its tools by name (their specs are the engine's, never the file's). */
export function recordedRequestOf(round: ModelRound): RecordedRequest {
  return {
    provider: round.provider,
    model: round.model,
    messages: round.messages,
    toolNames: round.tools.map((tool) => tool.name),
    outputSchema: round.outputSchema,
    temperature: round.temperature,
    maxOutputTokens: round.maxOutputTokens,
    providerOptions: round.providerOptions,
  };
}

/**
 * The recorded answer to this round, if it was recorded: labelled as recorded, with the usage and the estimated cost
 * the recording noted (what the answer cost when it was made; the replay itself sends nothing).
 */
export function recordedAnswer(recording: Recording, round: ModelRound): ModelReply | undefined {
  const reply = recording.get(requestFingerprint(recordedRequestOf(round)));
  if (!reply) return undefined;
  return {
    text: reply.text,
    toolCalls: reply.toolCalls,
    finishReason: reply.finishReason,
    usage: reply.usage,
    provider: 'recorded',
    model: reply.model,
    // The offline demo model's answers were free: so is their replay (rather than "no price known").
    ...(reply.costUsd !== undefined || reply.provider === 'demo' ? { costUsd: reply.costUsd ?? 0 } : {}),
    ...(reply.priceSource ? { priceSource: reply.priceSource } : {}),
    note: `the recorded answer of ${reply.provider} (${reply.model}): no request was made`,
  };
}

/**
 * `recordingFor` says, by the round's idempotency key, whether its run replays a recording; rounds of any
 * other run, and rounds the recording does not hold, go to `live`.
 */
export function createRecordedModelRunner(
  recordingFor: (idempotencyKey: string) => Promise<Recording | undefined>,
  live: ModelRunner,
): ModelRunner {
  return async (round, call) => {
    const recording = await recordingFor(call.idempotencyKey);
    const answer = recording && recordedAnswer(recording, round);
    if (!answer) return live(round, call);
    call.onTextDelta(answer.text);
    return answer;
  };
}
