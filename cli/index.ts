import { main } from './main.js';

// An EPIPE when stdout's reader goes away (`skreaver run echo | head -1`) is
// a normal end, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), process);
