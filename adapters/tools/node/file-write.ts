import { randomBytes } from 'node:crypto';
import { rename, unlink } from 'node:fs/promises';
import type { SecurityPolicy, Tool } from 'skreaver';
import { refuseInput, securityDenial } from 'skreaver/tools';
import {
  allowed,
  childOf,
  type FileContext,
  fileTooLarge,
  ioFailure,
  nativeError,
  parentOf,
} from './_file-context.js';
import { defineFileTool, pathSchema } from './_file-tool.js';
import { makeDirectories } from './_make-dirs.js';
import type { FileToolOptions } from './options.js';

/** Input of `file_write` (the string form is `path:content`, split at the first `:`). */
export interface FileWriteInput {
  /** The file, absolute or relative to the tool's `baseDir`. */
  readonly path: string;
  /** The text to write (UTF-8); may be empty. */
  readonly content: string;
  /** Whether to create missing parent directories first. @defaultValue false */
  readonly create_dirs?: boolean;
}

/** Output of `file_write`. */
export interface FileWriteOutput {
  /** The content's length in UTF-8 bytes. */
  readonly bytes_written: number;
  /** The path as given. */
  readonly path: string;
  /** Always `true`. */
  readonly success: true;
}

/** Random bytes in a temporary file's name. */
const TEMP_NAME_BYTES = 8;

/** The original's fallback: `path:content`, split at the first colon. */
function fromRaw(text: string): Record<string, unknown> {
  const colon = text.indexOf(':');
  if (colon === -1)
    refuseInput([], "Invalid input format. Expected JSON config or 'path:content' format");
  return { path: text.slice(0, colon), content: text.slice(colon + 1) };
}

/**
 * Writes `bytes` to the file at the normalised absolute `path` atomically: a
 * new file next to it (opened through the resolver, so with `O_EXCL` and
 * no-follow, and verified), synced, given the old file's mode, then renamed
 * over the real path. Readers see the old content or the new, never a part,
 * and a rename replaces a directory entry rather than writing through a
 * link or a hard link.
 */
async function writeAtomically(context: FileContext, path: string, bytes: Buffer): Promise<void> {
  const { tool, resolver } = context;
  const target = allowed(tool, await resolver.resolve(path));
  if (target.stats?.isDirectory() === true) throw nativeError('EISDIR');
  const mode = target.stats === undefined ? 0o666 : target.stats.mode & 0o777;
  const temp = childOf(
    parentOf(target.path),
    `.skreaver-write-${randomBytes(TEMP_NAME_BYTES).toString('hex')}`,
  );
  const opened = allowed(tool, await resolver.open(temp, 'wx', mode));
  let renamed = false;
  try {
    try {
      await opened.handle.writeFile(bytes);
      await opened.handle.sync();
      // The open's mode went through the umask; an existing file keeps its own.
      if (target.stats !== undefined) await opened.handle.chmod(mode);
    } finally {
      await opened.handle.close();
    }
    await rename(opened.path.realPath, target.realPath);
    renamed = true;
  } finally {
    if (!renamed) await unlink(opened.path.realPath).catch(() => undefined);
  }
}

async function writeFile(context: FileContext, config: FileWriteInput): Promise<FileWriteOutput> {
  const { tool, maxFileSize, resolver } = context;
  const { path, content, create_dirs = false } = config;
  const bytes = Buffer.from(content, 'utf8');
  if (bytes.length > maxFileSize) {
    throw securityDenial(tool, fileTooLarge(path, maxFileSize, bytes.length));
  }
  let resolved: Awaited<ReturnType<typeof resolver.resolve>>;
  try {
    resolved = await resolver.resolve(path);
  } catch (error) {
    throw ioFailure(tool, 'write file', path, error);
  }
  const target = allowed(tool, resolved);
  if (create_dirs) {
    try {
      await makeDirectories(context, parentOf(target.path), target.root);
    } catch (error) {
      throw ioFailure(tool, 'create parent directories for', path, error);
    }
  }
  try {
    await writeAtomically(context, target.path, bytes);
  } catch (error) {
    throw ioFailure(tool, 'write file', path, error);
  }
  return { bytes_written: bytes.length, path, success: true };
}

/**
 * The `file_write` tool: writes UTF-8 text to a file under the policy's
 * roots, replacing it atomically (a temporary file `.skreaver-write-<hex>`
 * next to it, renamed over it). With `create_dirs` the missing parent
 * directories are created first, each one checked. The path is checked as
 * for `file_read` (real path under a root, no symlink unless allowed, no
 * deny pattern); content over `fs.maxFileSize` is refused before anything
 * is written.
 *
 * Errors: `tool_denied` (`path_denied` or `size_limit_exceeded` in
 * `data.detail.code`), `tool_failed` (`data.reason` `io`: a missing parent
 * without `create_dirs`, a directory in the way...), `tool_invalid_input`
 * for a string without a `:`.
 *
 * @throws `ValidationError` `invalid_options`; `SecurityError` `policy_invalid`.
 * @example
 * ```ts
 * await fileWriteTool(policy).call({ path: 'out/report.txt', content: 'done', create_dirs: true }, ctx);
 * // { bytes_written: 4, path: 'out/report.txt', success: true }
 * ```
 */
export function fileWriteTool(
  policy: SecurityPolicy,
  options: FileToolOptions = {},
): Tool<FileWriteInput | string, FileWriteOutput> {
  return defineFileTool<FileWriteInput, FileWriteOutput>(policy, options, {
    name: 'file_write',
    factory: 'fileWriteTool',
    description:
      'Writes UTF-8 text to a file under the allowed roots (replacing it atomically), optionally creating missing parent directories; returns { bytes_written, path, success }.',
    schema: pathSchema(
      'file',
      {
        content: { type: 'string', description: 'The text to write.' },
        create_dirs: {
          type: 'boolean',
          description: 'Whether to create missing parent directories (default false).',
        },
      },
      ['content'],
      "An object with the path and content, or the text 'path:content'.",
    ),
    fromRaw,
    run: writeFile,
  });
}
