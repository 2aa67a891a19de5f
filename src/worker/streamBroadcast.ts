import { STREAM_BATCH_MS, STREAM_CHANNEL } from './api';

/**
 * Batches streamed text for every open tab: the latest text per step, posted at most every
 * STREAM_BATCH_MS — never one message per token.
 */
export function createStreamBroadcaster(channel: BroadcastChannel = new BroadcastChannel(STREAM_CHANNEL)) {
  let pending: Record<string, string> | undefined;
  return (_runId: string, stepKey: string, text: string): void => {
    if (!pending) {
      pending = {};
      setTimeout(() => {
        const batch = pending!;
        pending = undefined;
        channel.postMessage(batch);
      }, STREAM_BATCH_MS);
    }
    pending[stepKey] = text;
  };
}
