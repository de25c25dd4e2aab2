import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isSkreaverError } from 'skreaver';
import { type ConfigTomlModule, configValidateCommand } from './commands/config.js';
import { mcpCommand } from './commands/mcp.js';
import { exportCommand, importCommand } from './commands/memory.js';
import { runAgent } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { helpText, packageVersion } from './help.js';
import type { OpenMemoryOptions } from './memory-url.js';
import { UsageError } from './usage-error.js';

/** Where the CLI reads and writes; injectable for tests. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Test seams beyond the streams: where relative paths start, how adapters load. */
export type CliOptions = OpenMemoryOptions & {
  /** Loads `skreaver/config/toml` for `config` commands. @defaultValue dynamic `import()` */
  readonly loadToml?: () => Promise<ConfigTomlModule>;
};

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  input: { type: 'string', short: 'i' },
  memory: { type: 'string', short: 'm' },
  atomic: { type: 'boolean' },
  'ignore-expiry': { type: 'boolean' },
  strict: { type: 'boolean' },
  policy: { type: 'string' },
} as const;

type Values = { -readonly [K in keyof typeof OPTIONS]?: string | boolean };

/** Refuses options given to a command that does not read them. */
function onlyOptions(values: Values, allowed: readonly string[], command: string): void {
  for (const name of Object.keys(values)) {
    if (!allowed.includes(name)) {
      throw new UsageError(`Option '--${name}' does not apply to \`${command}\`.`);
    }
  }
}

function noExtra(extra: readonly string[]): void {
  if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'.`);
}

async function memoryCommand(
  args: readonly string[],
  values: Values,
  io: CliIo,
  options: CliOptions,
): Promise<void> {
  const [sub, url, ...extra] = args;
  if (sub !== 'export' && sub !== 'import') {
    throw new UsageError(
      sub === undefined
        ? 'memory needs a subcommand: `skreaver memory export URL` or `skreaver memory import URL`.'
        : `Unknown memory subcommand '${sub}'; use export or import.`,
    );
  }
  if (url === undefined) {
    throw new UsageError(
      `memory ${sub} needs a memory URL, e.g. \`skreaver memory ${sub} file:./state.json\`.`,
    );
  }
  noExtra(extra);
  if (sub === 'export') {
    onlyOptions(values, [], 'memory export');
    await exportCommand({ ...options, url, stdout: io.stdout });
    return;
  }
  onlyOptions(values, ['atomic', 'ignore-expiry'], 'memory import');
  await importCommand({
    ...options,
    url,
    atomic: values.atomic === true,
    ignoreExpiry: values['ignore-expiry'] === true,
    stdin: io.stdin,
    stderr: io.stderr,
  });
}

async function configCommand(
  args: readonly string[],
  values: Values,
  io: CliIo,
  options: CliOptions,
): Promise<number> {
  const [sub, file, ...extra] = args;
  if (sub !== 'validate') {
    throw new UsageError(
      sub === undefined
        ? 'config needs a subcommand: `skreaver config validate FILE`.'
        : `Unknown config subcommand '${sub}'; use validate.`,
    );
  }
  if (file === undefined) {
    throw new UsageError(
      'config validate needs a policy file, e.g. `skreaver config validate skreaver-security.toml`.',
    );
  }
  noExtra(extra);
  onlyOptions(values, ['strict'], 'config validate');
  return configValidateCommand({
    file,
    strict: values.strict === true,
    stdout: io.stdout,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.loadToml === undefined ? {} : { loadToml: options.loadToml }),
  });
}

/** Runs the CLI with `argv` (without node and script); resolves the exit code. */
export async function main(
  argv: readonly string[],
  io: CliIo,
  options: CliOptions = {},
): Promise<number> {
  try {
    // `serve` parses its own options (port, config file, memory URL).
    if (argv[0] === 'serve') return await serveCommand(argv.slice(1), io, options);
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: OPTIONS,
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
      noExtra(extra);
      onlyOptions(values, ['input', 'memory'], 'run');
      await runAgent({
        ...options,
        agent,
        ...(values.input === undefined ? {} : { input: values.input }),
        ...(values.memory === undefined ? {} : { memory: values.memory }),
        ...io,
      });
      return 0;
    }
    if (command === 'memory') {
      await memoryCommand(rest, values, io, options);
      return 0;
    }
    if (command === 'config') return await configCommand(rest, values, io, options);
    if (command === 'mcp') {
      noExtra(rest);
      onlyOptions(values, ['policy'], 'mcp');
      return await mcpCommand({
        ...(typeof values.policy === 'string' ? { policy: values.policy } : {}),
        stdin: io.stdin,
        stdout: io.stdout,
        stderr: io.stderr,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.loadToml === undefined ? {} : { loadToml: options.loadToml }),
      });
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
