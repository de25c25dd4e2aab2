import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { formatPolicyProblem, isSkreaverError, type PolicyInvalidData } from 'skreaver';

/** The `skreaver/config/toml` module, loaded only when a config command runs. */
export type ConfigTomlModule = typeof import('skreaver/config/toml');

/** Options of {@link configValidateCommand}. */
export interface ConfigValidateOptions {
  /** The policy file, as the user typed it (relative to `cwd`). */
  readonly file: string;
  /** Whether warnings count as problems. */
  readonly strict: boolean;
  /** Where the report goes. */
  readonly stdout: Writable;
  /** Directory a relative `file` starts from. @defaultValue process.cwd() */
  readonly cwd?: string;
  /** Loads the TOML adapter (tests replace it). @defaultValue dynamic `import('skreaver/config/toml')` */
  readonly loadToml?: () => Promise<ConfigTomlModule>;
}

async function loadAdapter(load: () => Promise<ConfigTomlModule>): Promise<ConfigTomlModule> {
  try {
    return await load();
  } catch (error) {
    throw new Error(
      `config validate needs the optional dependency smol-toml (npm install smol-toml): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * `skreaver config validate FILE [--strict]`: loads the policy file and
 * prints `ok: FILE` (after any warnings, each `warning: path: message`), or
 * every problem as `path: message (line N, column M)`. Resolves the exit
 * code: 0 when valid, 1 when not.
 */
export async function configValidateCommand(options: ConfigValidateOptions): Promise<number> {
  const { loadPolicyFile } = await loadAdapter(
    options.loadToml ?? (() => import('skreaver/config/toml')),
  );
  const path = resolve(options.cwd ?? process.cwd(), options.file);
  const out = options.stdout;
  try {
    const { warnings } = await loadPolicyFile(path, {
      strict: options.strict,
      source: options.file,
    });
    for (const warning of warnings) out.write(`warning: ${formatPolicyProblem(warning)}\n`);
    out.write(`ok: ${options.file}\n`);
    return 0;
  } catch (error) {
    if (!isSkreaverError(error, 'policy_invalid')) throw error;
    const data = error.data as PolicyInvalidData | undefined;
    const problems = data?.problems ?? [];
    for (const problem of problems) out.write(`${formatPolicyProblem(problem)}\n`);
    const omitted = data?.omitted ?? 0;
    if (omitted > 0) out.write(`... and ${omitted} more problems\n`);
    const total = problems.length + omitted;
    out.write(`invalid: ${options.file} (${total} ${total === 1 ? 'problem' : 'problems'})\n`);
    return 1;
  }
}
