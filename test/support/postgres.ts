import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL 15 (Debian's binaries) in a temporary directory on 127.0.0.1, for the server tests and
 * the server bench. Root runs it as the `postgres` user (PostgreSQL refuses to run as root). No Docker, no download.
 */

export const POSTGRES_BIN = process.env.TABFLOW_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export const POSTGRES_INSTALL_HINT =
  `PostgreSQL 15 is not installed (no initdb in ${POSTGRES_BIN}): install it with \`apt-get install -y postgresql\` ` +
  '(Debian), or set TABFLOW_POSTGRES_BIN to its bin directory.';

export function postgresAvailable(): boolean {
  return existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'pg_ctl'));
}

export interface Postgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** A fresh database on this server; its URL. */
  createDatabase(name: string): string;
  stop(): void;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the postgres user when root. */
function runAsPostgres(binary: string, args: string[]): void {
  const command = join(POSTGRES_BIN, binary);
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(`${binary} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * initdb + pg_ctl start into a new temporary directory; `stop()` stops the server and deletes the directory. Tests
 * run without fsync (nothing there outlives the test); `fsync: true` (the bench) commits as a real server does.
 */
export async function startPostgres(options: { fsync?: boolean } = {}): Promise<Postgres> {
  if (!postgresAvailable()) throw new Error(POSTGRES_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-pg-'));
  // The postgres user must reach its data directory inside the temporary one.
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        runAsPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone: the directory is still removed below.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runAsPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    const settings = `-h 127.0.0.1 -p ${port} -k ${dir} -c max_connections=200${options.fsync ? '' : ' -c fsync=off'}`;
    runAsPostgres('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    started = true;
  } catch (error) {
    stop();
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      runAsPostgres('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}

/** `psql`-free query helper for tests: runs SQL through the `pg` client and returns its rows. */
export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
