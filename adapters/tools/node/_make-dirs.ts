import { mkdir } from 'node:fs/promises';
import { allowed, childOf, codeOf, type FileContext, nativeError } from './_file-context.js';

/**
 * Creates the directory at the normalised absolute `path` and every missing
 * parent below `root`, one component at a time: each component is resolved
 * through the policy (real path under a root, no symlink unless allowed, no
 * deny pattern) right before it is created, and `mkdir` never follows a link
 * in the component it creates. An existing directory is fine; an existing
 * file fails with `ENOTDIR` (parent) or `EEXIST` (the path itself).
 *
 * @throws `tool_denied` for a refused component; the native error otherwise.
 */
export async function makeDirectories(
  context: FileContext,
  path: string,
  root: string,
): Promise<void> {
  // Above the root (the parent of a file written at the root itself): nothing to make here.
  if (path !== root && !path.startsWith(root === '/' ? '/' : `${root}/`)) return;
  const below = root === '/' ? path.slice(1) : path.slice(root.length + 1);
  const names = below === '' ? [] : below.split('/');
  let current = root;
  for (let i = -1; i < names.length; i++) {
    if (i >= 0) current = childOf(current, names[i] as string);
    const step = allowed(context.tool, await context.resolver.resolve(current));
    if (step.exists) {
      if (step.stats !== undefined && !step.stats.isDirectory()) {
        throw nativeError(i === names.length - 1 ? 'EEXIST' : 'ENOTDIR');
      }
      continue;
    }
    try {
      await mkdir(step.realPath);
    } catch (error) {
      // Made by someone else meanwhile: the next step resolves it again.
      if (codeOf(error) !== 'EEXIST') throw error;
    }
  }
}
