import { constants, type Dir } from 'node:fs';
import { lstat, opendir, stat } from 'node:fs/promises';
import type { SecurityPolicy, Tool } from 'skreaver';
import type { OpenedPath } from 'skreaver/security/node';
import { allowed, childOf, type FileContext, ioFailure, ioText } from './_file-context.js';
import { defineFileTool, pathSchema } from './_file-tool.js';
import type { FileToolOptions } from './options.js';

/** Input of `directory_list`: `{ path }`, or the path itself as a string. */
export interface DirectoryListInput {
  /** The directory, absolute or relative to the tool's `baseDir`. */
  readonly path: string;
}

/** A file in a listing. */
export interface ListedFile {
  /** The entry's name. */
  readonly name: string;
  /** Length in bytes. */
  readonly size: number;
  /** The given directory path joined with the name (usable as input of the other file tools). */
  readonly path: string;
}

/** A directory in a listing. */
export interface ListedDirectory {
  /** The entry's name. */
  readonly name: string;
  /** The given directory path joined with the name. */
  readonly path: string;
}

/** Output of `directory_list`. */
export interface DirectoryListOutput {
  /** The path as given. */
  readonly path: string;
  /** Regular files, by name. */
  readonly files: readonly ListedFile[];
  /** Subdirectories, by name. */
  readonly directories: readonly ListedDirectory[];
  /** Entries that could not be examined, as `name: reason`. */
  readonly errors: readonly string[];
  /** Present (`true`) when more entries exist than `maxFilesPerOperation` allows. */
  readonly truncated?: true;
  /** Always `true`. */
  readonly success: true;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The caller's path joined with an entry name. */
function joined(given: string, name: string): string {
  return given.endsWith('/') ? `${given}${name}` : `${given}/${name}`;
}

/**
 * Opens the directory the checked handle refers to. On Linux through
 * `/proc/self/fd`, so the listing is of the directory that was checked even
 * if a path component is swapped meanwhile; elsewhere by its real path.
 */
async function openListing(opened: OpenedPath): Promise<{ dir: Dir; at: string }> {
  const viaHandle = `/proc/self/fd/${opened.handle.fd}`;
  try {
    return { dir: await opendir(viaHandle), at: viaHandle };
  } catch {
    return { dir: await opendir(opened.path.realPath), at: opened.path.realPath };
  }
}

async function listDirectory(context: FileContext, path: string): Promise<DirectoryListOutput> {
  const { tool, resolver, maxFilesPerOperation: limit } = context;
  const files: ListedFile[] = [];
  const directories: ListedDirectory[] = [];
  const errors: string[] = [];
  let truncated = false;
  let opened: OpenedPath;
  try {
    opened = allowed(tool, await resolver.open(path, constants.O_RDONLY | constants.O_DIRECTORY));
  } catch (error) {
    throw ioFailure(tool, 'list directory', path, error);
  }
  const { path: lexical, root } = opened.path;
  try {
    const { dir, at } = await openListing(opened);
    for await (const entry of dir) {
      const name = entry.name;
      const entryPath = childOf(lexical, name);
      // Denied names (.env, keys...) are not shown at all.
      if (resolver.rules.deniedBy(entryPath, root) !== undefined) continue;
      let kind: 'file' | 'directory' | undefined;
      let size = 0;
      try {
        if (entry.isSymbolicLink()) {
          // A link is listed by its target, and only when links may be followed to a checked place.
          if (!context.fs.followSymlinks) continue;
          const target = await resolver.resolve(entryPath);
          if (!target.ok || !target.value.exists) continue;
          const stats = await stat(target.value.realPath);
          kind = stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : undefined;
          size = stats.size;
        } else if (entry.isFile()) {
          kind = 'file';
          size = (await lstat(`${at}/${name}`)).size;
        } else if (entry.isDirectory()) kind = 'directory';
      } catch (error) {
        if (errors.length < limit) errors.push(`${name}: ${ioText(error)}`);
        continue;
      }
      if (kind === undefined) continue;
      if (files.length + directories.length >= limit) {
        truncated = true;
        break;
      }
      if (kind === 'file') files.push({ name, size, path: joined(path, name) });
      else directories.push({ name, path: joined(path, name) });
    }
  } catch (error) {
    throw ioFailure(tool, 'list directory', path, error);
  } finally {
    await opened.handle.close();
  }
  files.sort(byName);
  directories.sort(byName);
  return {
    path,
    files,
    directories,
    errors,
    ...(truncated ? { truncated: true as const } : {}),
    success: true,
  };
}

/**
 * The `directory_list` tool: lists the files (with sizes) and
 * subdirectories directly inside a directory under the policy's roots, each
 * list sorted by name. The directory is checked and opened like a file in
 * `file_read` (no-follow, verified) and, on Linux, listed through that
 * handle. Entries whose path matches a deny pattern are left out; symbolic
 * links are left out unless `fs.followSymlinks`, and then listed by their
 * target only when it resolves inside the roots; other entry types (FIFOs,
 * sockets, devices) are left out. At most `fs.maxFilesPerOperation` entries
 * are returned (which ones make the cut follows the file system's order);
 * a longer listing adds `truncated: true`.
 *
 * Errors: `tool_denied` (`path_denied` in `data.detail.code`), `tool_failed`
 * (`data.reason` `io`: missing, not a directory...).
 *
 * @throws `ValidationError` `invalid_options`; `SecurityError` `policy_invalid`.
 * @example
 * ```ts
 * await directoryListTool(policy).call('notes', ctx);
 * // { path: 'notes', files: [{ name: 'a.txt', size: 3, path: 'notes/a.txt' }], directories: [], errors: [], success: true }
 * ```
 */
export function directoryListTool(
  policy: SecurityPolicy,
  options: FileToolOptions = {},
): Tool<DirectoryListInput | string, DirectoryListOutput> {
  return defineFileTool<DirectoryListInput, DirectoryListOutput>(policy, options, {
    name: 'directory_list',
    factory: 'directoryListTool',
    description:
      'Lists the files (with sizes) and subdirectories directly inside a directory under the allowed roots; returns { path, files, directories, errors, success }.',
    schema: pathSchema('directory'),
    run: (context, { path }) => listDirectory(context, path),
  });
}
