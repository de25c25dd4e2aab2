import type { FileHandle } from 'node:fs/promises';
import type { SecurityPolicy, Tool } from 'skreaver';
import { toolFailure } from 'skreaver/tools';
import {
  allowed,
  type FileContext,
  fileTooLarge,
  ioFailure,
  nativeError,
  shown,
} from './_file-context.js';
import { defineFileTool, pathSchema } from './_file-tool.js';
import type { FileToolOptions } from './options.js';

/** Input of `file_read`: `{ path }`, or the path itself as a string. */
export interface FileReadInput {
  /** The file, absolute or relative to the tool's `baseDir`. */
  readonly path: string;
}

/** Output of `file_read`. */
export interface FileReadOutput {
  /** The file's text (UTF-8; a byte order mark is kept). */
  readonly content: string;
  /** The path as given. */
  readonly path: string;
  /** The file's length in bytes. */
  readonly size: number;
  /** Always `true`. */
  readonly success: true;
}

/** Bytes read per `read` call. */
const CHUNK_BYTES = 65_536;

/** Reads at most `limit` bytes; `undefined` when the file holds more. */
async function readAtMost(handle: FileHandle, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // One byte past the limit tells a file of exactly `limit` bytes from a longer one.
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit + 1 - total));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > limit) return undefined;
    chunks.push(buffer.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks, total);
}

async function readFile(context: FileContext, path: string): Promise<FileReadOutput> {
  const { tool, maxFileSize } = context;
  let handle: FileHandle;
  try {
    handle = allowed(tool, await context.resolver.open(path, 'r')).handle;
  } catch (error) {
    throw ioFailure(tool, 'read file', path, error);
  }
  let bytes: Buffer | undefined;
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw nativeError('EISDIR');
    if (stats.size > maxFileSize) throw fileTooLarge(path, maxFileSize, stats.size);
    // The file may grow after the stat: the read is capped too.
    bytes = await readAtMost(handle, maxFileSize);
    if (bytes === undefined) throw fileTooLarge(path, maxFileSize, maxFileSize + 1);
  } catch (error) {
    throw ioFailure(tool, 'read file', path, error);
  } finally {
    await handle.close();
  }
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw toolFailure(
      tool,
      `Failed to read file '${shown(path)}': stream did not contain valid UTF-8`,
      { reason: 'invalid_utf8', path: shown(path) },
      error,
    );
  }
  return { content, path, size: bytes.length, success: true };
}

/**
 * The `file_read` tool: reads a UTF-8 text file under the policy's roots.
 * The path is checked lexically, then resolved component by component (a
 * symlink anywhere refuses it unless `fs.followSymlinks`; the real path must
 * be under a root and match no deny pattern), then opened with no-follow
 * semantics and verified. Files over `fs.maxFileSize` are refused before
 * reading.
 *
 * Errors: `tool_denied` for a refusal (`data.detail.code` `path_denied`
 * with the reason, or `size_limit_exceeded`; the `SecurityError` is the
 * cause); `tool_failed` for a missing file, a directory, text that is not
 * UTF-8 (`data.reason` `io` or `invalid_utf8`).
 *
 * @param policy - The security policy; its `fs` section (with the override
 *   in `policy.tools.file_read` merged in) sets the roots and limits.
 * @throws `ValidationError` `invalid_options`; `SecurityError`
 *   `policy_invalid` when the `fs` section does not compile.
 * @example
 * ```ts
 * const tool = fileReadTool({ ...DEFAULT_POLICY, fs: { ...DEFAULT_POLICY.fs, enabled: true, allowPaths: ['/srv/data'] } });
 * await tool.call('notes/today.txt', ctx); // relative to /srv/data
 * // { content: '...', path: 'notes/today.txt', size: 42, success: true }
 * ```
 */
export function fileReadTool(
  policy: SecurityPolicy,
  options: FileToolOptions = {},
): Tool<FileReadInput | string, FileReadOutput> {
  return defineFileTool<FileReadInput, FileReadOutput>(policy, options, {
    name: 'file_read',
    factory: 'fileReadTool',
    description:
      'Reads a UTF-8 text file under the allowed roots and returns { content, path, size, success }.',
    schema: pathSchema('file'),
    run: (context, { path }) => readFile(context, path),
  });
}
