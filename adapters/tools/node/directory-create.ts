import { mkdir } from 'node:fs/promises';
import type { SecurityPolicy, Tool } from 'skreaver';
import { allowed, type FileContext, ioFailure } from './_file-context.js';
import { defineFileTool, pathSchema } from './_file-tool.js';
import { makeDirectories } from './_make-dirs.js';
import type { FileToolOptions } from './options.js';

/** Input of `directory_create`: `{ path, create_dirs? }`, or the path itself as a string. */
export interface DirectoryCreateInput {
  /** The directory, absolute or relative to the tool's `baseDir`. */
  readonly path: string;
  /**
   * Whether to create missing parents too (and accept an existing
   * directory); without it exactly one directory is made.
   * @defaultValue false
   */
  readonly create_dirs?: boolean;
}

/** Output of `directory_create`. */
export interface DirectoryCreateOutput {
  /** Always `true` (as in the original, also when `create_dirs` found it already there). */
  readonly created: true;
  /** The path as given. */
  readonly path: string;
  /** The `create_dirs` that applied. */
  readonly recursive: boolean;
  /** Always `true`. */
  readonly success: true;
}

async function createDirectory(
  context: FileContext,
  config: DirectoryCreateInput,
): Promise<DirectoryCreateOutput> {
  const { tool, resolver } = context;
  const { path, create_dirs = false } = config;
  try {
    const target = allowed(tool, await resolver.resolve(path));
    if (create_dirs) await makeDirectories(context, target.path, target.root);
    // mkdir never follows a link in the component it creates.
    else await mkdir(target.realPath);
  } catch (error) {
    throw ioFailure(tool, 'create directory', path, error);
  }
  return { created: true, path, recursive: create_dirs, success: true };
}

/**
 * The `directory_create` tool: creates a directory under the policy's
 * roots. Without `create_dirs` it makes exactly one (failing when it exists
 * or its parent is missing); with it, every missing parent too, one
 * component at a time, each resolved and checked right before it is made
 * (an existing directory is fine). Paths are checked as for `file_read`.
 *
 * Errors: `tool_denied` (`path_denied` in `data.detail.code`), `tool_failed`
 * (`data.reason` `io`: exists, parent missing, a file in the way...).
 *
 * @throws `ValidationError` `invalid_options`; `SecurityError` `policy_invalid`.
 * @example
 * ```ts
 * await directoryCreateTool(policy).call({ path: 'out/2025/q3', create_dirs: true }, ctx);
 * // { created: true, path: 'out/2025/q3', recursive: true, success: true }
 * ```
 */
export function directoryCreateTool(
  policy: SecurityPolicy,
  options: FileToolOptions = {},
): Tool<DirectoryCreateInput | string, DirectoryCreateOutput> {
  return defineFileTool<DirectoryCreateInput, DirectoryCreateOutput>(policy, options, {
    name: 'directory_create',
    factory: 'directoryCreateTool',
    description:
      'Creates a directory under the allowed roots (with create_dirs, also its missing parents); returns { created, path, recursive, success }.',
    schema: pathSchema('directory', {
      create_dirs: {
        type: 'boolean',
        description: 'Whether to create missing parents too (default false).',
      },
    }),
    run: createDirectory,
  });
}
