import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { CSP_HEADER } from '../../vite.config';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/**
 * A static host for built app directories, as a deployment is: every response with the app's CSP
 * header. `deploy(dir)` swaps the directory served at the same origin, the way a new release replaces
 * the old one (old files are gone).
 */
export interface StaticSite {
  url: string;
  deploy(dir: string): void;
  close(): Promise<void>;
}

/** `under`: the path the site lives at (`/` or e.g. `/tools/tabflow/`), as on a host serving many sites. */
export async function serveStatic(dir: string, under = '/'): Promise<StaticSite> {
  let root = dir;
  const server: Server = createServer((request, response) => {
    const requested = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const path = requested.startsWith(under) ? normalize(`/${requested.slice(under.length)}`) : '/..';
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP_HEADER,
      // As a static host does for unhashed names; the service worker checks sw.js past the HTTP cache anyway.
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${under}`,
    deploy: (next) => (root = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
