import { createServer, type Server } from 'node:http';

/**
 * A side-effect server on 127.0.0.1 for browser tests: applies each idempotency key's effect once
 * and counts every request, so a test can tell "executed once" from "requested twice".
 */
export interface EffectServer {
  host: string;
  requests: Map<string, number>;
  applied: Set<string>;
  close(): Promise<void>;
}

export async function startEffectServer(delayMs: number): Promise<EffectServer> {
  const requests = new Map<string, number>();
  const applied = new Set<string>();
  const server: Server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type, idempotency-key');
    res.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const key = String(req.headers['idempotency-key'] ?? 'none');
    requests.set(key, (requests.get(key) ?? 0) + 1);
    setTimeout(() => {
      applied.add(key);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key, applied: applied.size }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    applied,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
