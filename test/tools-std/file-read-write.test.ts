import { execFileSync } from 'node:child_process';
import { chmod, link, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_POLICY } from 'skreaver';
import { fileReadTool, fileWriteTool } from 'skreaver/tools/node';
import { describe, expect, it } from 'vitest';
import { detailOf, useSandbox } from './_file-sandbox.js';
import { failure, output } from './_helpers.js';

const box = useSandbox();

describe('file_read', () => {
  it('reads a file relative to the first root, by object, raw string or JSON text', async () => {
    const tool = fileReadTool(box.policy());
    const expected = { content: 'hello', path: 'hello.txt', size: 5, success: true };
    expect(await output(tool, { path: 'hello.txt' })).toEqual(expected);
    expect(await output(tool, 'hello.txt')).toEqual(expected);
    expect(await output(tool, '{"path":"hello.txt"}')).toEqual(expected);
    expect(await output(tool, join(box.root, 'sub', 'inner.txt'))).toMatchObject({
      content: 'inner',
    });
  });

  it('counts size in bytes and keeps a byte order mark', async () => {
    await writeFile(join(box.root, 'bom.txt'), '\uFEFFé');
    expect(await output(fileReadTool(box.policy()), 'bom.txt')).toMatchObject({
      content: '\uFEFFé',
      size: 5,
    });
  });

  it.each([
    ['an absolute path outside the roots', () => join(box.outside, 'secret.txt'), 'outside_roots'],
    ['a .. escape', () => '../outside/secret.txt', 'outside_roots'],
    ['a deny pattern', () => '.env', 'denied_pattern'],
    ['a prefix sibling of the root', () => `${box.root}2/x.txt`, 'outside_roots'],
  ])('refuses %s', async (_name, path, reason) => {
    const error = await failure(fileReadTool(box.policy()), path());
    expect(detailOf(error)).toMatchObject({ code: 'path_denied', reason });
    expect(error.message).toMatch(/^A policy denied the call to tool 'file_read': /);
  });

  it('refuses a symlink that escapes the root, whether links are followed or not', async () => {
    await symlink(join(box.outside, 'secret.txt'), join(box.root, 'escape.txt'));
    await symlink(box.outside, join(box.root, 'outdir'));
    expect(detailOf(await failure(fileReadTool(box.policy()), 'escape.txt'))).toMatchObject({
      reason: 'symlink',
    });
    const following = fileReadTool(box.policy({ followSymlinks: true }));
    for (const path of ['escape.txt', 'outdir/secret.txt']) {
      expect(detailOf(await failure(following, path))).toMatchObject({
        reason: 'outside_roots',
        realPath: join(box.outside, 'secret.txt'),
      });
    }
  });

  it('refuses a symlink in the final component unless links may be followed', async () => {
    await symlink(join(box.root, 'hello.txt'), join(box.root, 'alias.txt'));
    expect(detailOf(await failure(fileReadTool(box.policy()), 'alias.txt'))).toMatchObject({
      reason: 'symlink',
    });
    expect(
      await output(fileReadTool(box.policy({ followSymlinks: true })), 'alias.txt'),
    ).toMatchObject({
      content: 'hello',
    });
  });

  it('refuses files over fs.maxFileSize (or a lower option), and reads one at the limit', async () => {
    await writeFile(join(box.root, 'eleven.txt'), 'x'.repeat(11));
    const tool = fileReadTool(box.policy({ maxFileSize: 10 }));
    expect(detailOf(await failure(tool, 'eleven.txt'))).toEqual({
      code: 'size_limit_exceeded',
      what: 'file',
      limit: 10,
      received: 11,
      path: 'eleven.txt',
    });
    await writeFile(join(box.root, 'ten.txt'), 'x'.repeat(10));
    expect(await output(tool, 'ten.txt')).toMatchObject({ size: 10 });
    const lowered = fileReadTool(box.policy(), { maxFileSize: 4 });
    expect(detailOf(await failure(lowered, 'hello.txt'))).toMatchObject({ limit: 4 });
    const raised = fileReadTool(box.policy({ maxFileSize: 10 }), { maxFileSize: 100 });
    expect(detailOf(await failure(raised, 'eleven.txt'))).toMatchObject({ limit: 10 });
  });

  it('fails with io for a missing file or a directory, and invalid_utf8 for binary', async () => {
    const tool = fileReadTool(box.policy());
    const missing = await failure(tool, 'missing.txt');
    expect(missing.code).toBe('tool_failed');
    expect(missing.message).toBe(
      "Failed to read file 'missing.txt': no such file or directory (ENOENT)",
    );
    expect(missing.data).toEqual({
      tool: 'file_read',
      reason: 'io',
      path: 'missing.txt',
      code: 'ENOENT',
    });
    expect((await failure(tool, 'sub')).data).toMatchObject({ reason: 'io', code: 'EISDIR' });
    await writeFile(join(box.root, 'bin'), Buffer.from([0xff, 0xfe, 0x00, 0xc3]));
    const binary = await failure(tool, 'bin');
    expect(binary.message).toBe("Failed to read file 'bin': stream did not contain valid UTF-8");
    expect(binary.data).toMatchObject({ reason: 'invalid_utf8' });
  });

  it('refuses FIFOs without blocking', async () => {
    try {
      execFileSync('mkfifo', [join(box.root, 'pipe')]);
    } catch {
      return; // No mkfifo here (not POSIX): nothing to check.
    }
    expect(detailOf(await failure(fileReadTool(box.policy()), 'pipe'))).toMatchObject({
      reason: 'special_file',
    });
  });

  it('refuses everything when fs is off (the default policy)', async () => {
    const error = await failure(fileReadTool(DEFAULT_POLICY), join(box.root, 'hello.txt'));
    expect(detailOf(error)).toMatchObject({ code: 'path_denied', reason: 'fs_disabled' });
  });

  it('refuses relative paths when there is no root and no baseDir', async () => {
    const error = await failure(fileReadTool(box.policy({ allowPaths: [] })), 'hello.txt');
    expect(detailOf(error)).toMatchObject({ code: 'path_denied', reason: 'invalid_path' });
  });

  it('resolves relative paths against the baseDir option', async () => {
    const tool = fileReadTool(box.policy(), { baseDir: join(box.root, 'sub') });
    expect(await output(tool, 'inner.txt')).toMatchObject({ content: 'inner' });
    expect(detailOf(await failure(tool, '../../outside/secret.txt'))).toMatchObject({
      reason: 'outside_roots',
    });
  });
});

describe('file_write', () => {
  it('writes a file by object, by path:content and by JSON text', async () => {
    const tool = fileWriteTool(box.policy());
    expect(await output(tool, { path: 'new.txt', content: 'héllo' })).toEqual({
      bytes_written: 6,
      path: 'new.txt',
      success: true,
    });
    expect(await readFile(join(box.root, 'new.txt'), 'utf8')).toBe('héllo');
    expect(await output(tool, 'colon.txt:a:b')).toMatchObject({ bytes_written: 3 });
    expect(await readFile(join(box.root, 'colon.txt'), 'utf8')).toBe('a:b');
    expect(await output(tool, '{"path":"json.txt","content":""}')).toMatchObject({
      bytes_written: 0,
    });
    expect(await readFile(join(box.root, 'json.txt'), 'utf8')).toBe('');
  });

  it('refuses a string without a colon and a config without content', async () => {
    const tool = fileWriteTool(box.policy());
    const plain = await failure(tool, 'no-colon');
    expect(plain.code).toBe('tool_invalid_input');
    expect(plain.message).toContain(
      "Invalid input format. Expected JSON config or 'path:content' format",
    );
    const empty = await failure(tool, '{"path":"x.txt"}');
    expect(empty.code).toBe('tool_invalid_input');
    expect(empty.data).toMatchObject({ issues: [{ message: expect.stringContaining('content') }] });
  });

  it('replaces a file atomically, keeps its mode and leaves no temporary file', async () => {
    await chmod(join(box.root, 'hello.txt'), 0o640);
    await output(fileWriteTool(box.policy()), { path: 'hello.txt', content: 'bye' });
    expect(await readFile(join(box.root, 'hello.txt'), 'utf8')).toBe('bye');
    expect((await stat(join(box.root, 'hello.txt'))).mode & 0o777).toBe(0o640);
    expect((await readdir(box.root)).sort()).toEqual(['.env', 'hello.txt', 'sub']);
  });

  it('does not write through a hard link to a file outside the roots', async () => {
    await link(join(box.outside, 'secret.txt'), join(box.root, 'hard.txt'));
    await output(fileWriteTool(box.policy()), { path: 'hard.txt', content: 'changed' });
    expect(await readFile(join(box.outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await readFile(join(box.root, 'hard.txt'), 'utf8')).toBe('changed');
    await link(join(box.outside, 'secret.txt'), join(box.root, 'hard2.txt'));
    const refusing = fileWriteTool(box.policy(), { refuseHardLinks: true });
    expect(detailOf(await failure(refusing, { path: 'hard2.txt', content: 'x' }))).toMatchObject({
      reason: 'hard_link',
    });
  });

  it('creates missing parents only with create_dirs', async () => {
    const tool = fileWriteTool(box.policy());
    const missing = await failure(tool, { path: 'a/b/c.txt', content: 'x' });
    expect(missing.data).toMatchObject({ reason: 'io', code: 'ENOENT' });
    expect(missing.message).toMatch(/^Failed to write file 'a\/b\/c.txt': /);
    expect(
      await output(tool, { path: 'a/b/c.txt', content: 'x', create_dirs: true }),
    ).toMatchObject({ bytes_written: 1 });
    expect(await readFile(join(box.root, 'a', 'b', 'c.txt'), 'utf8')).toBe('x');
    const blocked = await failure(tool, {
      path: 'hello.txt/d.txt',
      content: 'x',
      create_dirs: true,
    });
    expect(blocked.message).toMatch(
      /^Failed to create parent directories for 'hello.txt\/d.txt': /,
    );
    expect(blocked.data).toMatchObject({ code: 'EEXIST' });
  });

  it.each([
    ['outside the roots', () => join(box.outside, 'x.txt'), 'outside_roots'],
    ['through ..', () => '../outside/x.txt', 'outside_roots'],
    ['on a deny pattern', () => 'keys/server.pem', 'denied_pattern'],
  ])('refuses to write %s, even with create_dirs', async (_name, path, reason) => {
    const error = await failure(fileWriteTool(box.policy()), {
      path: path(),
      content: 'x',
      create_dirs: true,
    });
    expect(detailOf(error)).toMatchObject({ code: 'path_denied', reason });
    expect(await readdir(box.outside)).toEqual(['secret.txt']);
  });

  it('refuses to write through a symlink, final or in the parents', async () => {
    await symlink(join(box.outside, 'secret.txt'), join(box.root, 'link.txt'));
    await symlink(box.outside, join(box.root, 'outdir'));
    const tool = fileWriteTool(box.policy());
    expect(detailOf(await failure(tool, { path: 'link.txt', content: 'x' }))).toMatchObject({
      reason: 'symlink',
    });
    expect(
      detailOf(await failure(tool, { path: 'outdir/new/x.txt', content: 'x', create_dirs: true })),
    ).toMatchObject({ reason: 'symlink' });
    const following = fileWriteTool(box.policy({ followSymlinks: true }));
    expect(
      detailOf(await failure(following, { path: 'outdir/x.txt', content: 'x', create_dirs: true })),
    ).toMatchObject({ reason: 'outside_roots' });
    expect(await readFile(join(box.outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await readdir(box.outside)).toEqual(['secret.txt']);
  });

  it('refuses content over fs.maxFileSize before writing anything', async () => {
    const tool = fileWriteTool(box.policy({ maxFileSize: 4 }));
    const error = await failure(tool, { path: 'big.txt', content: 'é'.repeat(3) });
    expect(detailOf(error)).toMatchObject({ code: 'size_limit_exceeded', limit: 4, received: 6 });
    expect(await readdir(box.root)).not.toContain('big.txt');
  });

  it('fails with io when a directory is in the way, the root itself included', async () => {
    const tool = fileWriteTool(box.policy());
    const error = await failure(tool, { path: 'sub', content: 'x' });
    expect(error.data).toMatchObject({ reason: 'io', code: 'EISDIR' });
    const atRoot = await failure(tool, { path: box.root, content: 'x', create_dirs: true });
    expect(atRoot.data).toMatchObject({ reason: 'io', code: 'EISDIR' });
  });
});
