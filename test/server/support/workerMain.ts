import { runServerCommand } from '../../../src/server/cli';

// `tabflow <command> …` in a child process, as the bin runs it: the server tests spawn and kill these.
const [command = '', ...argv] = process.argv.slice(2);
process.exitCode = await runServerCommand(command, argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
