import { main } from './cli.js';

// A reader that goes away early (`| head`) closes the pipe: the rest of the output has nowhere to
// go, which is no error of the run. Without a listener Node would throw "Unhandled 'error' event".
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

// Output is flushed before exiting: process.exitCode instead of process.exit().
process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
