import type { LanguageModelV3Prompt, LanguageModelV3ToolResultOutput } from '@ai-sdk/provider';

/** A tool result the model can see, with its output decoded to a plain value. */
export interface SeenToolResult {
  toolName: string;
  value: unknown;
  isError: boolean;
}

/** What the demo model reads from a prompt: the parts a helpful agent would pay attention to. */
export interface Conversation {
  /** The last system message ('' if none): the instructions of the agent answering now. */
  system: string;
  /** Text of the last user message ('' if none). */
  lastUser: string;
  /** The last assistant text before the last user message: what the previous agent said. */
  previousAgent: string | undefined;
  /** Tools called since the last user message (this turn), in call order. */
  calledThisTurn: string[];
  /** Tool results since the last user message. */
  resultsThisTurn: SeenToolResult[];
  /** Assistant texts, newest first. */
  assistantTexts: string[];
  /** Every text to search for evidence: last user, system, then the rest newest first. */
  searchTexts: string[];
  /** Whitespace-separated words across the whole prompt (the input size). */
  wordCount: number;
}

interface Flat {
  role: 'system' | 'user' | 'assistant' | 'tool';
  texts: string[];
  calls: string[];
  /** Tool-call inputs as JSON: evidence (ids), but not something the agent said. */
  inputs: string[];
  results: SeenToolResult[];
}

export function readConversation(prompt: LanguageModelV3Prompt): Conversation {
  const flat = prompt.map(flatten);
  const lastUserAt = findLastIndex(flat, (m) => m.role === 'user');
  const turn = flat.slice(lastUserAt + 1);
  const lastSystem = flat[findLastIndex(flat, (m) => m.role === 'system')];
  const lastUser = flat[lastUserAt];
  const before = lastUserAt < 0 ? [] : flat.slice(0, lastUserAt);
  const previous = [...before].reverse().find((m) => m.role === 'assistant' && joined(m) !== '');
  const assistantTexts = flat
    .filter((m) => m.role === 'assistant')
    .map(joined)
    .filter(Boolean)
    .reverse();
  const others = flat.filter((m) => m !== lastUser && m !== lastSystem).reverse();
  const searchTexts = [lastUser, lastSystem, ...others].flatMap((m) =>
    m ? [joined(m), ...m.inputs, ...m.results.map(resultText)] : [],
  );
  const allText = flat.flatMap((m) => [...m.texts, ...m.inputs, ...m.results.map(resultText)]).join(' ');
  return {
    system: lastSystem ? joined(lastSystem) : '',
    lastUser: lastUser ? joined(lastUser) : '',
    previousAgent: previous ? joined(previous) : undefined,
    calledThisTurn: turn.flatMap((m) => m.calls),
    resultsThisTurn: turn.flatMap((m) => m.results),
    assistantTexts,
    searchTexts: searchTexts.filter(Boolean),
    wordCount: countWords(allText),
  };
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A tool result as the text the model "reads". */
export function resultText(result: SeenToolResult): string {
  return typeof result.value === 'string' ? result.value : (JSON.stringify(result.value) ?? '');
}

function flatten(message: LanguageModelV3Prompt[number]): Flat {
  if (message.role === 'system')
    return { role: 'system', texts: [message.content], calls: [], inputs: [], results: [] };
  const flat: Flat = { role: message.role, texts: [], calls: [], inputs: [], results: [] };
  for (const part of message.content) {
    if (part.type === 'text') {
      flat.texts.push(part.text);
    } else if (part.type === 'tool-call') {
      flat.calls.push(part.toolName);
      flat.inputs.push(typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}));
    } else if (part.type === 'tool-result') {
      flat.results.push({ toolName: part.toolName, ...decodeOutput(part.output) });
    }
  }
  return flat;
}

function decodeOutput(output: LanguageModelV3ToolResultOutput): { value: unknown; isError: boolean } {
  switch (output.type) {
    case 'text':
      return { value: parseMaybeJson(output.value), isError: false };
    case 'json':
      return { value: output.value, isError: false };
    case 'error-text':
    case 'error-json':
      return { value: output.value, isError: true };
    case 'execution-denied':
      return { value: output.reason ?? 'execution denied', isError: true };
    case 'content':
      return {
        value: output.value.map((v) => (v.type === 'text' ? v.text : `[${v.type}]`)).join('\n'),
        isError: false,
      };
  }
}

/** Tool results given as text are often JSON; read them as values when they are. */
export function parseMaybeJson(text: string): unknown {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return text;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}

function joined(message: Flat): string {
  return message.texts.join('\n').trim();
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
