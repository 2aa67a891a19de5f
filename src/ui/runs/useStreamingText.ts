import { useEffect, useState } from 'react';
import { STREAM_CHANNEL } from '../../worker/api';

/** The text an LLM step is streaming right now (from the executor's batched broadcasts). */
export function useStreamingText(stepKey: string, active: boolean): string | undefined {
  const [text, setText] = useState<string>();
  useEffect(() => {
    if (!active || typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(STREAM_CHANNEL);
    channel.onmessage = (event: MessageEvent<Record<string, string>>) => {
      const next = event.data[stepKey];
      if (next !== undefined) setText(next);
    };
    return () => channel.close();
  }, [stepKey, active]);
  return active ? text : undefined;
}
