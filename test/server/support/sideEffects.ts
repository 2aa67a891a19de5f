import { createServer, type Server } from 'node:http';

/** One request the side-effect server received, and when it was applied (answered). */
export interface EffectRequest {
  key: string;
  path: string;
  receivedAt: number;
  appliedAt?: number;
}

/**
 * Counts side effects by idempotency key on 127.0.0.1: applies each key once (answering later requests with the
 * same key from the first application), after `delayMs`, and keeps every request with its times.
 */
export interface SideEffects {
  origin: string;
  requests: EffectRequest[];
  /** Keys applied so far. */
  applied: Map<string, number>;
  /** Keys requested before `at` and not yet applied then: the effects in flight at that moment. */
  inFlightAt(at: number): Set<string>;
  close(): Promise<void>;
}

export async function startSideEffects(delayMs: number): Promise<SideEffects> {
  const requests: EffectRequest[] = [];
  const applied = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const entry: EffectRequest = {
        key: String(req.headers['idempotency-key'] ?? 'none'),
        path: new URL(req.url ?? '/', 'http://x').pathname,
        receivedAt: Date.now(),
      };
      requests.push(entry);
      setTimeout(() => {
        entry.appliedAt = Date.now();
        if (!applied.has(entry.key)) applied.set(entry.key, entry.appliedAt);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key: entry.key }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    applied,
    inFlightAt: (at) =>
      new Set(requests.filter((r) => r.receivedAt <= at && (r.appliedAt ?? Infinity) > at).map((r) => r.key)),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
