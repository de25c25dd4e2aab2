import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isSkreaverError } from 'skreaver';
import { builtinAgents } from './agents/index.js';
import { runAgent } from './commands/run.js';
import { UsageError } from './usage-error.js';

/** Where the CLI reads and writes; injectable for tests. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

function packageVersion(): string {
  // The built bin (dist/cli/) and the source (cli/) sit at different depths
  // below the package root, so resolve the package by name instead.
  const require = createRequire(import.meta.url);
  return (require('skreaver/package.json') as { version: string }).version;
}

function helpText(): string {
  const agents = Object.entries(builtinAgents)
    .map(([name, agent]) => `  ${name.padEnd(10)} ${agent.summary}`)
    .join('\n');
  return `skreaver ${packageVersion()}: run and serve AI agents

Usage:
  skreaver run <agent> [--input TEXT]   run a built-in agent on stdin lines (or TEXT)
  skreaver --help                       show this help
  skreaver --version                    print the version

Built-in agents:
${agents}

Examples:
  echo hello | npx skreaver run echo
  npx skreaver run echo --input "hello world"
`;
}

/** Runs the CLI with `argv` (without node and script); resolves the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        input: { type: 'string', short: 'i' },
      },
    });
    if (values.version) {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.stdout.write(helpText());
      return command === undefined && !values.help ? 2 : 0;
    }
    if (command === 'run') {
      const [agent, ...extra] = rest;
      if (agent === undefined)
        throw new UsageError('run needs an agent name, e.g. `skreaver run echo`.');
      if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'.`);
      await runAgent({
        agent,
        ...(values.input === undefined ? {} : { input: values.input }),
        ...io,
      });
      return 0;
    }
    throw new UsageError(`Unknown command '${command}'.`);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr.write(
        `skreaver: ${(error as Error).message}\nRun \`skreaver --help\` for usage.\n`,
      );
      return 2;
    }
    const code = isSkreaverError(error) ? ` [${error.code}]` : '';
    io.stderr.write(`skreaver: ${(error as Error).message ?? String(error)}${code}\n`);
    return 1;
  }
}
