import { useLiveQuery } from 'dexie-react-hooks';
import type { ThreadMessageRecord } from '../../engine/records';
import { useDb } from '../DbContext';
import { formatJson } from './format';

/** The run's LLM conversations, as the models saw them (prompts, answers, tool calls and results). */
export function ThreadsView({ runId }: { runId: string }) {
  const db = useDb();
  const messages = useLiveQuery(
    async () => (await db.messages.where('runId').equals(runId).toArray()) as unknown as ThreadMessageRecord[],
    [db, runId],
  );
  if (!messages || messages.length === 0) return null;
  const threads = new Map<string, ThreadMessageRecord[]>();
  for (const m of messages) threads.set(m.threadId, [...(threads.get(m.threadId) ?? []), m]);
  return (
    <details className="threads">
      <summary>Threads ({threads.size})</summary>
      {[...threads].map(([threadId, list]) => (
        <section key={threadId} className="thread" data-thread-id={threadId}>
          <h4 className="muted">{threadId.endsWith(':thread') ? 'Shared thread of this run' : threadId}</h4>
          <ol>
            {list
              .sort((a, b) => a.seq - b.seq)
              .map((m) => (
                <ThreadMessageItem key={m.id} message={m} />
              ))}
          </ol>
        </section>
      ))}
    </details>
  );
}

/** One message of a thread: its role, what answered it (a model's answer), and its text. */
export function ThreadMessageItem({ message: m, note }: { message: ThreadMessageRecord; note?: string }) {
  return (
    <li className={`thread-message role-${m.message.role}`} data-message-id={m.id}>
      <span className="thread-who">
        <span className="thread-role">{m.message.role}</span>
        {m.author && (
          <span
            className={m.author.provider === 'demo' ? 'badge badge-demo thread-author' : 'muted thread-author'}
            data-author-provider={m.author.provider}>
            {m.author.provider === 'demo' ? 'demo model' : `${m.author.provider} · ${m.author.model}`}
          </span>
        )}
        {note && <span className="muted thread-note">{note}</span>}
      </span>
      <span className="thread-content">{messageText(m.message)}</span>
    </li>
  );
}

function messageText(message: ThreadMessageRecord['message']): string {
  if (message.role === 'tool') return `${message.toolName} → ${formatJson(message.result, 2000)}`;
  if (message.role === 'assistant' && message.toolCalls?.length) {
    const calls = message.toolCalls.map((c) => `→ ${c.name}(${JSON.stringify(c.args)})`).join('\n');
    return `${message.content ? `${message.content}\n` : ''}${calls}`;
  }
  return message.content;
}
