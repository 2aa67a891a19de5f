import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/**
 * The bench worker's JavaScript heap, read over the DevTools protocol after a full garbage collection
 * (a dedicated worker has no `performance.memory`). The page's session attaches to each worker it
 * starts; the newest bench worker (not the resuming one) is the one measured.
 */
export interface WorkerHeap {
  /** Bytes in use after a forced GC. */
  usedAfterGc(): Promise<number>;
}

interface Reply {
  id?: number;
  result?: { usedSize?: number };
  error?: unknown;
}

interface Attached {
  sessionId: string;
  targetInfo: { type: string; url: string; title?: string };
}

export async function watchWorkerHeap(context: BrowserContext, page: Page): Promise<WorkerHeap> {
  const session = await context.newCDPSession(page);
  const workers: Attached[] = [];
  const replies = new Map<number, (message: Reply) => void>();
  let nextId = 0;
  session.on('Target.attachedToTarget', (event: Attached) => {
    if (event.targetInfo.type === 'worker') workers.push(event);
  });
  session.on('Target.receivedMessageFromTarget', (event: { message: string }) => {
    const message = JSON.parse(event.message) as Reply;
    if (message.id !== undefined) replies.get(message.id)?.(message);
  });
  // Not flattened: the worker's own session is reached through Target.sendMessageToTarget.
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return {
    async usedAfterGc() {
      const worker = workers.at(-1);
      if (!worker) throw new Error('the bench worker is not attached to the DevTools session');
      await send(session, replies, worker.sessionId, ++nextId, 'HeapProfiler.collectGarbage');
      const reply = await send(session, replies, worker.sessionId, ++nextId, 'Runtime.getHeapUsage');
      if (reply.result?.usedSize === undefined) throw new Error(`no heap usage: ${JSON.stringify(reply.error)}`);
      return reply.result.usedSize;
    },
  };
}

function send(
  session: CDPSession,
  replies: Map<number, (message: Reply) => void>,
  sessionId: string,
  id: number,
  method: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    replies.set(id, (message) => {
      replies.delete(id);
      resolve(message);
    });
    const message = JSON.stringify({ id, method, params: {} });
    session.send('Target.sendMessageToTarget', { sessionId, message } as never).catch(reject);
  });
}
