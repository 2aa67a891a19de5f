import { readFileSync } from 'node:fs';
import { runCommand, EXIT } from './runCommand';
import { RUN_USAGE } from './runArgs';
import type { CliIo } from './report';

export const USAGE = `Usage: tabflow <command> [options]

  run <workflow.json | bundle.json>   run a workflow headless here (engine + file or memory store)
  worker --database-url URL           run workflows on DBOS over PostgreSQL (several workers share the work)
  submit | status | approve | send | cancel | list    talk to the workers' database
  export RUN [--out FILE] [--store file:DIR]          a run as a bundle the tab opens (from the database or a store)

tabflow run --help lists the run options.`;

/** The `tabflow` command but its server commands (src/tabflow.ts sends those to src/server/); returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT.usage : EXIT.completed;
  }
  if (command === '--version') {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.completed;
  }
  if (command === 'run') {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`${RUN_USAGE}\n`);
      return EXIT.completed;
    }
    return runCommand(rest, io);
  }
  io.stderr.write(`tabflow: unknown command "${command.slice(0, 40)}"\n\n${USAGE}\n`);
  return EXIT.usage;
}

function packageVersion(): string {
  const path = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
