import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A side-effect server on 127.0.0.1 for tests over real HTTP: applies each idempotency key's effect
 * once and counts every request, so a test can tell "executed once" from "requested twice". Paths
 * choose a fault, for the hardening tests:
 *   /hang          accepts the request and never answers
 *   /hang-once/…   the first request to that path never answers, later ones do
 *   /stall         sends headers and a first piece of the body, then nothing, forever
 *   /cut-once/…    the first request gets headers and half a body, then the connection drops
 *   /redirect?to=U answers 307 with `Location: U`
 *   /slow/…        answers after 1.5 s or `delayMs`, whichever is longer (a request a test can watch in flight)
 * Anything else answers after `delayMs`.
 */
export interface EffectServer {
  host: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  requests: Map<string, number>;
  applied: Set<string>;
  /** Every request that reached the server, in order (a CORS preflight included). */
  log: ReceivedRequest[];
  close(): Promise<void>;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const SLOW_ANSWER_MS = 1_500;

function answerDelayMs(path: string, delayMs: number): number {
  return path.startsWith('/slow/') ? Math.max(SLOW_ANSWER_MS, delayMs) : delayMs;
}

export async function startEffectServer(delayMs = 0): Promise<EffectServer> {
  const requests = new Map<string, number>();
  const applied = new Set<string>();
  const log: ReceivedRequest[] = [];
  const seenPaths = new Set<string>();
  const sockets = new Set<Socket>();

  const answer = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const key = String(req.headers['idempotency-key'] ?? 'none');
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const first = !seenPaths.has(path);
    seenPaths.add(path);
    if (path === '/hang' || (path.startsWith('/hang-once/') && first)) return;
    if (path === '/stall') return void res.writeHead(200, { 'content-type': 'application/json' }).write('{"partial":');
    if (path.startsWith('/cut-once/') && first) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }).write('{"partial":');
      return void setTimeout(() => res.socket?.destroy(), 20);
    }
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (path === '/redirect' && to) return void res.writeHead(307, { location: to }).end();
    setTimeout(
      () => {
        applied.add(key);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ key, applied: applied.size, path }));
      },
      answerDelayMs(path, delayMs),
    );
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      log.push({
        method: req.method ?? 'GET',
        path,
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-allow-headers', 'content-type, idempotency-key, authorization, x-api-key');
      res.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      answer(req, res, path);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    applied,
    log,
    close: () =>
      new Promise((resolve) => {
        // Hanging and stalled answers keep their sockets open: end them, or close() never returns.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
