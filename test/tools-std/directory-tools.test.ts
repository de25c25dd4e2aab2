import { readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from 'skreaver';
import {
  directoryCreateTool,
  directoryListTool,
  fileReadTool,
  fileTools,
  fileWriteTool,
} from 'skreaver/tools/node';
import { describe, expect, it } from 'vitest';
import { detailOf, useSandbox } from './_file-sandbox.js';
import { failure, output } from './_helpers.js';
import { FILE_TOOL_NAMES } from './_tool-names.js';

const box = useSandbox();

describe('directory_list', () => {
  it('lists files with sizes and directories, sorted, with paths usable as input', async () => {
    await writeFile(join(box.root, 'a.txt'), 'abc');
    expect(await output(directoryListTool(box.policy()), '.')).toEqual({
      path: '.',
      files: [
        { name: 'a.txt', size: 3, path: './a.txt' },
        { name: 'hello.txt', size: 5, path: './hello.txt' },
      ],
      directories: [{ name: 'sub', path: './sub' }],
      errors: [],
      success: true,
    });
    expect(
      await output(directoryListTool(box.policy()), { path: `${box.root}/sub/` }),
    ).toMatchObject({
      files: [{ name: 'inner.txt', path: `${box.root}/sub/inner.txt` }],
    });
  });

  it('leaves out denied names and symlinks, and lists links to checked places when followed', async () => {
    await symlink(join(box.outside, 'secret.txt'), join(box.root, 'escape.txt'));
    await symlink(join(box.root, 'hello.txt'), join(box.root, 'alias.txt'));
    const strict = (await output(directoryListTool(box.policy()), '.')) as {
      files: { name: string }[];
    };
    expect(strict.files.map((file) => file.name)).toEqual(['hello.txt']);
    const following = (await output(
      directoryListTool(box.policy({ followSymlinks: true })),
      '.',
    )) as {
      files: { name: string; size: number }[];
    };
    expect(following.files).toEqual([
      { name: 'alias.txt', size: 5, path: './alias.txt' },
      { name: 'hello.txt', size: 5, path: './hello.txt' },
    ]);
  });

  it('returns at most fs.maxFilesPerOperation entries and says when it cut', async () => {
    for (let i = 0; i < 5; i++) await writeFile(join(box.root, `f${i}.txt`), '');
    const cut = (await output(directoryListTool(box.policy({ maxFilesPerOperation: 3 })), '.')) as {
      files: unknown[];
      directories: unknown[];
      truncated?: boolean;
    };
    expect(cut.files.length + cut.directories.length).toBe(3);
    expect(cut.truncated).toBe(true);
    const lowered = (await output(
      directoryListTool(box.policy(), { maxFilesPerOperation: 2 }),
      '.',
    )) as {
      files: unknown[];
      directories: unknown[];
    };
    expect(lowered.files.length + lowered.directories.length).toBe(2);
    const whole = await output(directoryListTool(box.policy({ maxFilesPerOperation: 7 })), '.');
    expect(whole).not.toHaveProperty('truncated');
  });

  it('refuses paths outside the roots and symlinked directories', async () => {
    await symlink(box.outside, join(box.root, 'outdir'));
    const tool = directoryListTool(box.policy());
    expect(detailOf(await failure(tool, box.outside))).toMatchObject({ reason: 'outside_roots' });
    expect(detailOf(await failure(tool, 'sub/../..'))).toMatchObject({ reason: 'outside_roots' });
    expect(detailOf(await failure(tool, 'outdir'))).toMatchObject({ reason: 'symlink' });
  });

  it('fails with io for a file or a missing directory', async () => {
    const tool = directoryListTool(box.policy());
    const notDir = await failure(tool, 'hello.txt');
    expect(notDir.message).toBe("Failed to list directory 'hello.txt': not a directory (ENOTDIR)");
    expect((await failure(tool, 'nope')).data).toMatchObject({ code: 'ENOENT' });
  });
});

describe('directory_create', () => {
  it('creates one directory, and fails when it exists or its parent is missing', async () => {
    const tool = directoryCreateTool(box.policy());
    expect(await output(tool, 'made')).toEqual({
      created: true,
      path: 'made',
      recursive: false,
      success: true,
    });
    expect((await stat(join(box.root, 'made'))).isDirectory()).toBe(true);
    const again = await failure(tool, 'made');
    expect(again.message).toBe("Failed to create directory 'made': it already exists (EEXIST)");
    expect((await failure(tool, { path: 'x/y' })).data).toMatchObject({ code: 'ENOENT' });
  });

  it('creates nested directories with create_dirs, accepting existing ones', async () => {
    const tool = directoryCreateTool(box.policy());
    expect(await output(tool, { path: 'x/y/z', create_dirs: true })).toMatchObject({
      recursive: true,
    });
    expect((await stat(join(box.root, 'x', 'y', 'z'))).isDirectory()).toBe(true);
    expect(await output(tool, { path: 'x/y', create_dirs: true })).toMatchObject({ created: true });
    expect((await failure(tool, { path: 'hello.txt/x', create_dirs: true })).data).toMatchObject({
      code: 'ENOTDIR',
    });
  });

  it('refuses escapes by .., by absolute path and through symlinked parents', async () => {
    await symlink(box.outside, join(box.root, 'outdir'));
    const tool = directoryCreateTool(box.policy());
    for (const path of ['../evil', join(box.outside, 'evil'), 'outdir/evil']) {
      const error = await failure(tool, { path, create_dirs: true });
      expect(detailOf(error)).toMatchObject({ code: 'path_denied' });
    }
    const following = directoryCreateTool(box.policy({ followSymlinks: true }));
    expect(
      detailOf(await failure(following, { path: 'outdir/evil', create_dirs: true })),
    ).toMatchObject({
      reason: 'outside_roots',
    });
    expect(await readdir(box.outside)).toEqual(['secret.txt']);
  });

  it('refuses to create directories matching a deny pattern', async () => {
    const error = await failure(directoryCreateTool(box.policy()), {
      path: 'repo/.git/hooks',
      create_dirs: true,
    });
    expect(detailOf(error)).toMatchObject({ reason: 'denied_pattern' });
  });
});

describe('the file tools together', () => {
  it('fileTools makes the four, and each obeys its per-tool override', async () => {
    const tools = fileTools(box.policy({}, { tools: { file_write: { enabled: false } } }));
    expect(tools.map((tool) => tool.name)).toEqual(FILE_TOOL_NAMES);
    const [read, write] = tools as [(typeof tools)[0], (typeof tools)[0]];
    expect(await output(read, 'hello.txt')).toMatchObject({ content: 'hello' });
    expect(detailOf(await failure(write, { path: 'x', content: 'y' }))).toEqual({
      code: 'permission_denied',
      reason: 'tool_disabled',
    });
  });

  it('applies maxInputBytes to the path and the content', async () => {
    const error = await failure(fileWriteTool(box.policy(), { maxInputBytes: 8 }), {
      path: 'x.txt',
      content: 'too long!',
    });
    expect(error.data).toMatchObject({
      reason: 'input_too_large',
      limit: 8,
      issues: [{ path: '/content' }],
    });
  });

  it.each([
    ['a relative baseDir', () => fileReadTool(box.policy(), { baseDir: 'rel' })],
    ['maxFileSize 0', () => fileWriteTool(box.policy(), { maxFileSize: 0 })],
    [
      'maxFilesPerOperation 1.5',
      () => directoryListTool(box.policy(), { maxFilesPerOperation: 1.5 }),
    ],
    ['maxInputBytes -1', () => directoryCreateTool(box.policy(), { maxInputBytes: -1 })],
  ])('refuses %s with invalid_options', (_name, make) => {
    expect(make).toThrow(ValidationError);
  });

  it('refuses a policy whose roots do not compile, when the tool is made', () => {
    expect(() => fileReadTool(box.policy({ allowPaths: ['relative/root'] }))).toThrow(
      expect.objectContaining({ code: 'policy_invalid' }),
    );
  });
});
