import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPathResolver, openNoFollow, type PathResolverFs } from 'skreaver/security/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityError, ValidationError } from '../../src/errors/index.js';
import type { PathDeniedData } from '../../src/security/validators/index.js';
import { fsPolicy } from './_validator-policies.js';

let tmp: string;
let root: string;
let outside: string;
let hasFifo = false;

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'skreaver-paths-')));
  root = join(tmp, 'root');
  outside = join(tmp, 'outside');
  await fs.mkdir(join(root, 'sub'), { recursive: true });
  await fs.mkdir(outside);
  await fs.mkdir(join(tmp, 'root2'));
  await fs.writeFile(join(root, 'file.txt'), 'inside');
  await fs.writeFile(join(root, 'sub', 'inner.txt'), 'inner');
  await fs.writeFile(join(root, '.env'), 'SECRET=1');
  await fs.writeFile(join(outside, 'secret.txt'), 'outside');
  await fs.writeFile(join(outside, 'inner.txt'), 'decoy');
  await fs.symlink(outside, join(root, 'link-out'));
  await fs.symlink(join(outside, 'secret.txt'), join(root, 'link-file-out'));
  await fs.symlink('sub', join(root, 'link-in'));
  await fs.symlink('.env', join(root, 'config'));
  await fs.symlink('loop-b', join(root, 'loop-a'));
  await fs.symlink('loop-a', join(root, 'loop-b'));
  await fs.symlink('self', join(root, 'self'));
  await fs.symlink(join(outside, 'new.txt'), join(root, 'dangling-out'));
  await fs.symlink('new-in.txt', join(root, 'dangling-in'));
  await fs.symlink('..', join(root, 'up'));
  await fs.symlink('root', join(tmp, 'alias'));
  await fs.link(join(outside, 'secret.txt'), join(root, 'hard.txt'));
  await fs.writeFile(join(root, 'a\u200bb.txt'), 'hidden');
  try {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    hasFifo = true;
  } catch {
    hasFifo = false;
  }
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const strict = () => createPathResolver(fsPolicy({ allowPaths: [root] }));
const following = () => createPathResolver(fsPolicy({ allowPaths: [root], followSymlinks: true }));

async function denied(promise: Promise<{ ok: boolean; error?: unknown }>): Promise<PathDeniedData> {
  const result = await promise;
  expect(result.ok).toBe(false);
  const error = result.error as SecurityError;
  expect(error).toBeInstanceOf(SecurityError);
  expect(error.code).toBe('path_denied');
  return error.data as PathDeniedData;
}

describe('createPathResolver without following symlinks', () => {
  it('resolves plain files, new files and new directories', async () => {
    const paths = strict();
    const file = await paths.resolve(join(root, 'file.txt'));
    expect(file.ok && file.value).toMatchObject({
      realPath: join(root, 'file.txt'),
      root,
      exists: true,
    });
    const created = await paths.resolve(join(root, 'new.txt'));
    expect(created.ok && created.value).toMatchObject({
      realPath: join(root, 'new.txt'),
      exists: false,
    });
    const deep = await paths.resolve(join(root, 'newdir/deeper/file.txt'));
    expect(deep.ok && deep.value.realPath).toBe(join(root, 'newdir/deeper/file.txt'));
    expect((await paths.resolve(`${root}/sub/../file.txt`)).ok).toBe(true);
    expect((await paths.resolve(root)).ok).toBe(true);
  });

  it.each([
    ['link-out/secret.txt', 'a directory link to outside'],
    ['link-in/inner.txt', 'a directory link that stays inside'],
    ['link-file-out', 'a file link to outside'],
    ['link-out/../file.txt', 'a link followed by ..'],
    ['config', 'a link to a denied file'],
    ['dangling-out', 'a dangling link'],
  ])('refuses %s (%s) with symlink', async (relative) => {
    // Joined by hand: path.join would apply the `..` lexically.
    const data = await denied(strict().resolve(`${root}/${relative}`));
    expect(data.reason).toBe('symlink');
  });

  it('trusts links in the configured root itself', async () => {
    const paths = createPathResolver(fsPolicy({ allowPaths: [join(tmp, 'alias')] }));
    const result = await paths.resolve(join(tmp, 'alias', 'file.txt'));
    expect(result.ok && result.value.realPath).toBe(join(root, 'file.txt'));
    expect((await denied(paths.resolve(join(tmp, 'alias', 'link-in', 'inner.txt')))).reason).toBe(
      'symlink',
    );
  });

  it('refuses sibling roots, deny patterns and hard-to-see names before touching the disk', async () => {
    expect((await denied(strict().resolve(join(tmp, 'root2', 'x')))).reason).toBe('outside_roots');
    expect((await denied(strict().resolve(join(root, '.env')))).reason).toBe('denied_pattern');
    const hidden = await denied(strict().resolve(join(root, 'a\u200bb.txt')));
    expect(hidden).toMatchObject({ reason: 'invalid_path', problem: 'invisible' });
    const encoded = await denied(strict().resolve(`${root}/%2e%2e/outside/secret.txt`));
    expect(encoded).toMatchObject({ reason: 'invalid_path', problem: 'encoded' });
  });

  it('resolves relative paths against baseDir only', async () => {
    const paths = createPathResolver(fsPolicy({ allowPaths: [root] }), { baseDir: root });
    const result = await paths.resolve('sub/inner.txt');
    expect(result.ok && result.value.realPath).toBe(join(root, 'sub', 'inner.txt'));
    expect((await denied(strict().resolve('sub/inner.txt'))).problem).toBe('relative');
    expect((await denied(paths.resolve('../outside/secret.txt'))).reason).toBe('outside_roots');
  });
});

describe('createPathResolver following symlinks', () => {
  it('judges the real path', async () => {
    const paths = following();
    const out = await denied(paths.resolve(join(root, 'link-out', 'secret.txt')));
    expect(out).toMatchObject({ reason: 'outside_roots', realPath: join(outside, 'secret.txt') });
    const inside = await paths.resolve(join(root, 'link-in', 'inner.txt'));
    expect(inside.ok && inside.value.realPath).toBe(join(root, 'sub', 'inner.txt'));
    expect((await denied(paths.resolve(join(root, 'config')))).reason).toBe('denied_pattern');
    expect((await denied(paths.resolve(join(root, 'dangling-out')))).reason).toBe('outside_roots');
    expect((await denied(paths.resolve(join(root, 'up', 'outside', 'secret.txt')))).reason).toBe(
      'outside_roots',
    );
  });

  it('applies .. to the real directory, as the kernel does', async () => {
    const result = await following().resolve(`${root}/link-out/../root/file.txt`);
    expect(result.ok && result.value.realPath).toBe(join(root, 'file.txt'));
    // Lexically root/outside/secret.txt, inside; really tmp/outside/secret.txt.
    const escaped = await denied(following().resolve(`${root}/link-out/../outside/secret.txt`));
    expect(escaped).toMatchObject({
      reason: 'outside_roots',
      realPath: join(outside, 'secret.txt'),
    });
  });

  it('resolves dangling links inside the root to the file they would create', async () => {
    const result = await following().resolve(join(root, 'dangling-in'));
    expect(result.ok && result.value).toMatchObject({
      realPath: join(root, 'new-in.txt'),
      exists: false,
    });
  });

  it('stops symlink loops', async () => {
    const loop = await denied(following().resolve(join(root, 'loop-a')));
    expect(loop).toMatchObject({ reason: 'symlink_loop', limit: 40 });
    const self = await denied(following().resolve(join(root, 'self', 'x')));
    expect(self.reason).toBe('symlink_loop');
    const tight = createPathResolver(fsPolicy({ allowPaths: [root], followSymlinks: true }), {
      maxSymlinks: 1,
    });
    expect((await denied(tight.resolve(join(root, 'loop-a')))).limit).toBe(1);
  });
});

describe('file kinds', () => {
  it('refuses FIFOs unless allowed', async (context) => {
    if (!hasFifo) context.skip('mkfifo is not available on this machine');
    expect((await denied(strict().resolve(join(root, 'pipe')))).reason).toBe('special_file');
    const lenient = createPathResolver(fsPolicy({ allowPaths: [root] }), {
      allowSpecialFiles: true,
    });
    expect((await lenient.resolve(join(root, 'pipe'))).ok).toBe(true);
  });

  it('refuses hard-linked files when asked to', async () => {
    expect((await strict().resolve(join(root, 'hard.txt'))).ok).toBe(true);
    const careful = createPathResolver(fsPolicy({ allowPaths: [root] }), { refuseHardLinks: true });
    expect((await denied(careful.resolve(join(root, 'hard.txt')))).reason).toBe('hard_link');
  });
});

describe('open', () => {
  it('opens checked files and creates new ones', async () => {
    const paths = strict();
    const opened = await paths.open(join(root, 'file.txt'));
    if (!opened.ok) throw opened.error;
    try {
      expect(await opened.value.handle.readFile('utf8')).toBe('inside');
    } finally {
      await opened.value.handle.close();
    }
    const created = await paths.open(join(root, 'created.txt'), 'wx');
    if (!created.ok) throw created.error;
    await created.value.handle.writeFile('made');
    await created.value.handle.close();
    expect(await fs.readFile(join(root, 'created.txt'), 'utf8')).toBe('made');
  });

  it('refuses before opening', async () => {
    expect((await denied(strict().open(join(root, 'link-file-out')))).reason).toBe('symlink');
  });

  it('refuses a final component swapped for a link after the check', async () => {
    const victim = join(root, 'swap.txt');
    await fs.writeFile(victim, 'x');
    const racing: PathResolverFs = {
      lstat: fs.lstat,
      readlink: fs.readlink,
      async open(path, flags, mode) {
        await fs.rm(path);
        await fs.symlink(join(outside, 'secret.txt'), path);
        return fs.open(path, flags, mode);
      },
    };
    const paths = createPathResolver(fsPolicy({ allowPaths: [root] }), { fs: racing });
    expect((await denied(paths.open(victim))).reason).toBe('symlink');
    await fs.rm(victim);
  });

  it('refuses a directory swapped for a link after the check', async () => {
    const dir = join(root, 'moving');
    await fs.mkdir(dir);
    await fs.writeFile(join(dir, 'inner.txt'), 'x');
    const racing: PathResolverFs = {
      lstat: fs.lstat,
      readlink: fs.readlink,
      async open(path, flags, mode) {
        await fs.rename(dir, join(tmp, 'moved-away'));
        await fs.symlink(outside, dir);
        return fs.open(path, flags, mode);
      },
    };
    const paths = createPathResolver(fsPolicy({ allowPaths: [root] }), { fs: racing });
    const data = await denied(paths.open(join(dir, 'inner.txt')));
    expect(data.reason).toBe('outside_roots');
    expect(data.realPath).toBe(join(outside, 'inner.txt'));
  });

  it('passes native open failures through', async () => {
    await expect(strict().open(join(root, 'missing.txt'), 'r')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('openNoFollow', () => {
  it('opens regular files and refuses links with path_denied', async () => {
    const handle = await openNoFollow(join(root, 'file.txt'));
    await handle.close();
    await expect(openNoFollow(join(root, 'link-file-out'))).rejects.toMatchObject({
      code: 'path_denied',
      data: { reason: 'symlink' },
    });
    await expect(openNoFollow(join(root, 'nope.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('errors and options', () => {
  it('reports file-system failures as io_error with the cause', async () => {
    const failing: PathResolverFs = {
      lstat: async () => {
        throw Object.assign(new Error('denied'), { code: 'EACCES' });
      },
      readlink: fs.readlink,
      open: fs.open,
    };
    const paths = createPathResolver(fsPolicy({ allowPaths: [root] }), { fs: failing });
    const result = await paths.resolve(join(root, 'file.txt'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.data).toMatchObject({ reason: 'io_error' });
    expect((result.error.cause as { code: string }).code).toBe('EACCES');
  });

  it('refuses everything when fs is disabled', async () => {
    const paths = createPathResolver(fsPolicy({ enabled: false, allowPaths: [root] }));
    expect((await denied(paths.resolve(join(root, 'file.txt')))).reason).toBe('fs_disabled');
  });

  it('validates options and the policy at creation', () => {
    expect(() => createPathResolver(fsPolicy({ allowPaths: [root] }), { maxSymlinks: 0 })).toThrow(
      ValidationError,
    );
    expect(() => createPathResolver(fsPolicy({ allowPaths: ['relative'] }))).toThrow(SecurityError);
  });
});
