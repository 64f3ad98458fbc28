import { main } from './cli.js';

// Output is flushed before exiting: process.exitCode instead of process.exit().
process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
