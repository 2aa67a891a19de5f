import { hashUnit } from '../engine/retry';
import type { LlmRequest } from '../engine/runtime';

/**
 * The offline demo model as a step runner: no network, output derived from the prompt, so a run
 * is reproducible. Its output is labelled "demo" wherever it is shown.
 */
export function demoAnswer(request: Pick<LlmRequest, 'node' | 'userPrompt' | 'systemPrompt'>): { text: string; model: string; provider: 'demo' } {
  const role = request.node.name || 'assistant';
  const topic = request.userPrompt.replace(/\s+/g, ' ').trim().slice(0, 160);
  const openers = ['Here is what I found', 'Summary', 'Result', 'My assessment'];
  const opener = openers[Math.floor(hashUnit(`${role}|${topic}`) * openers.length)]!;
  return { text: `${opener} (${role}, demo model): ${topic}`, model: 'demo', provider: 'demo' };
}
