import { EXIT } from './cli/runCommand';
import { runCli } from './cli/main';
import { secretValues } from './cli/environment';
import { scrubber } from './cli/report';
import { errorMessage } from './schema/errorMessage';

/**
 * The `tabflow` process (bin/tabflow.mjs loads this file, as src/main.tsx mounts the app): `run` and help go to
 * src/cli/; the server commands to src/server/cli.ts, imported only when one is used, so `tabflow run` works
 * without DBOS installed or PostgreSQL running. Ctrl-C is an abort (a second one ends the process at once); an
 * error that escapes is one line, never a stack trace, and never holds a secret value of the environment.
 */
const SERVER_COMMANDS: ReadonlySet<string> = new Set([
  'worker',
  'submit',
  'status',
  'approve',
  'send',
  'cancel',
  'list',
  'export',
]);

const interrupt = new AbortController();
const scrub = scrubber(secretValues(process.env));
const fail = (error: unknown) => process.stderr.write(`tabflow: ${scrub(errorMessage(error))}\n`);

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('unhandledRejection', (error) => {
  // After a stop, writes of the stopped engine may still fail against the closed store: they are not news.
  if (interrupt.signal.aborted) return;
  fail(error);
  process.exit(EXIT.failed);
});

function onSignal(): void {
  if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
  interrupt.abort();
}

async function serverCommand(command: string, argv: string[]): Promise<number> {
  let server: typeof import('./server/cli');
  try {
    server = await import('./server/cli');
  } catch (error) {
    const reason = errorMessage(error).split('\n')[0]!.slice(0, 200);
    process.stderr.write(
      `tabflow: "${command}" is not available in this build: the DBOS runtime did not load (${reason})\n`,
    );
    return EXIT.failed;
  }
  return server.runServerCommand(command, argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
}

const [command = '', ...rest] = process.argv.slice(2);
try {
  process.exitCode = SERVER_COMMANDS.has(command)
    ? await serverCommand(command, rest)
    : await runCli(process.argv.slice(2), {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        signal: interrupt.signal,
      });
} catch (error) {
  fail(error);
  process.exitCode = EXIT.failed;
}
// The engine's timers (a sleep, the demo model's pace) must not keep a finished command alive.
process.exit(process.exitCode);
