import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import fc from 'fast-check';
import { createPathResolver } from 'skreaver/security/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors/index.js';
import { DEFAULT_POLICY, type FsPolicy } from '../src/security/policy/index.js';
import { checkPath, compileGlob, type PathDeniedReason } from '../src/security/validators/index.js';

const fsPolicy = (fields: Partial<FsPolicy>): FsPolicy => ({
  ...DEFAULT_POLICY.fs,
  enabled: true,
  ...fields,
});
const ROOTS = ['/srv/data', '/tmp/work'];
const PLAIN = fsPolicy({ allowPaths: ROOTS, denyPatterns: [] });
const DEFAULT_DENY = fsPolicy({ allowPaths: ROOTS });
const REASONS: readonly PathDeniedReason[] = [
  'invalid_path',
  'too_long',
  'outside_roots',
  'denied_pattern',
];

// Written from POSIX rules, independently of the implementation.
const under = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

const codeUnits = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 60 })
  .map((units) => String.fromCharCode(...units));
const segment = fc.constantFrom(
  '..',
  '.',
  '',
  'srv',
  'data',
  'data2',
  'tmp',
  'work',
  'x',
  'etc',
  '.env',
  'a.KEY',
  '...',
);
const pathText = fc
  .tuple(fc.boolean(), fc.array(segment, { maxLength: 10 }))
  .map(([absolute, parts]) => `${absolute ? '/' : ''}${parts.join('/')}`)
  .filter((text) => text !== '');

describe('checkPath properties', () => {
  it('never throws on arbitrary text, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.oneof(codeUnits, fc.string({ unit: 'binary' }), pathText),
        fc.boolean(),
        (text, withBase) => {
          const result = checkPath(text, DEFAULT_DENY, withBase ? { baseDir: '/srv/data' } : {});
          if (!result.ok) {
            expect(result.error.code).toBe('path_denied');
            expect(REASONS).toContain((result.error.data as { reason: string }).reason);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('allows exactly the paths that resolve under a root, and returns that path', () => {
    fc.assert(
      fc.property(pathText, (text) => {
        const expected = posix.resolve('/srv/data', text);
        const result = checkPath(text, PLAIN, { baseDir: '/srv/data' });
        const inside = ROOTS.some((root) => under(expected, root));
        expect(result.ok).toBe(inside);
        if (result.ok) expect(result.value).toBe(expected);
        else expect((result.error.data as { reason: string }).reason).toBe('outside_roots');
      }),
      { numRuns: 3000 },
    );
  });

  it('denies every .env and key file under the default patterns, whatever the case', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'deep'), { maxLength: 4 }),
        fc.constantFrom('.env', '.ENV', '.Env', 'x.key', 'X.KEY', 'cert.pem', '.env.local'),
        (dirs, name) => {
          const result = checkPath(['/srv/data', ...dirs, name].join('/'), DEFAULT_DENY);
          expect(!result.ok && (result.error.data as { reason: string }).reason).toBe(
            'denied_pattern',
          );
        },
      ),
    );
  });
});

describe('compileGlob properties', () => {
  it('never throws anything but invalid_input, and test() never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.stringMatching(/^[a*?[\]{},!\\/-]{0,40}$/),
        ),
        fc.string({ unit: 'binary', maxLength: 80 }),
        (pattern, text) => {
          let glob: ReturnType<typeof compileGlob> | undefined;
          try {
            glob = compileGlob(pattern);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            return;
          }
          expect(typeof glob.test(text)).toBe('boolean');
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with a regular-expression model on *, ? and literals', () => {
    const toRegExp = (pattern: string) =>
      new RegExp(`^${pattern.replace(/^\/+/, '').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ab*?/]{0,12}$/).filter((pattern) => !/(^|\/)\*\*(\/|$)/.test(pattern)),
        fc.stringMatching(/^[ab/]{0,12}$/),
        (pattern, text) => {
          const expected = toRegExp(pattern).test(text.replace(/^\/+/, ''));
          expect(compileGlob(pattern).test(text)).toBe(expected);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('real-path properties', () => {
  let tmp: string;
  let root: string;
  const names = ['d', 'f', 'in', 'out', 'up', 'loop', 'dangle', 'abs', 'x'];

  beforeAll(async () => {
    tmp = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'skreaver-fuzz-paths-')));
    root = join(tmp, 'root');
    await fs.mkdir(join(root, 'd', 'd'), { recursive: true });
    await fs.mkdir(join(tmp, 'outside', 'd'), { recursive: true });
    await fs.writeFile(join(root, 'f'), 'in');
    await fs.writeFile(join(root, 'd', 'f'), 'in');
    await fs.writeFile(join(tmp, 'outside', 'f'), 'out');
    await fs.symlink('d', join(root, 'in'));
    await fs.symlink('../outside', join(root, 'out'));
    await fs.symlink('..', join(root, 'd', 'up'));
    await fs.symlink('..', join(root, 'up'));
    await fs.symlink('loop', join(root, 'loop'));
    await fs.symlink('nowhere/x', join(root, 'dangle'));
    await fs.symlink(join(tmp, 'outside', 'd'), join(root, 'd', 'abs'));
  });

  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  const relative = fc
    .array(fc.oneof(fc.constantFrom(...names), fc.constantFrom('..', '.', 'root', 'outside')), {
      minLength: 1,
      maxLength: 8,
    })
    .map((parts) => parts.join('/'));

  async function kernelRealPath(path: string): Promise<string | undefined> {
    try {
      return await fs.realpath(path);
    } catch {
      return undefined;
    }
  }

  for (const followSymlinks of [true, false]) {
    it(`never allows a path that really lies outside the root (followSymlinks ${followSymlinks})`, async () => {
      const resolver = createPathResolver(
        fsPolicy({ allowPaths: [root], denyPatterns: [], followSymlinks }),
      );
      await fc.assert(
        fc.asyncProperty(relative, async (rest) => {
          const path = `${root}/${rest}`;
          const result = await resolver.resolve(path);
          const real = await kernelRealPath(path);
          if (real !== undefined && !under(real, root)) expect(result.ok).toBe(false);
          if (result.ok) {
            expect(under(result.value.realPath, root)).toBe(true);
            if (real !== undefined) expect(result.value.realPath).toBe(real);
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});
