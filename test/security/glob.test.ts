import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { compileGlob, type GlobErrorData } from '../../src/security/validators/index.js';

type Case = readonly [pattern: string, text: string, matches: boolean];

const CASES: readonly Case[] = [
  // `**` spans segments, zero included.
  ['**/.env', '/.env', true],
  ['**/.env', '/srv/app/.env', true],
  ['**/.env', '/srv/app/.env.local', false],
  ['**/.env', '/srv/app/x.env', false],
  ['**/.env.*', '/srv/app/.env.local', true],
  ['**/.ssh/**', '/home/u/.ssh/id_rsa', true],
  ['**/.ssh/**', '/home/u/.ssh', true],
  ['**/.ssh/**', '.ssh/config', true],
  ['**/.ssh/**', '/home/u/.sshx/id', false],
  ['**/.ssh/**', '/home/u/x.ssh/id', false],
  ['/etc/**', '/etc', true],
  ['/etc/**', '/etc/passwd', true],
  ['/etc/**', '/srv/etc/passwd', false],
  ['a/**/b', 'a/b', true],
  ['a/**/b', 'a/x/y/b', true],
  ['a/**/b', 'a/x/y/c', false],
  ['a/**/b/**/c', 'a/1/b/2/b/3/c', true],
  ['**', '/anything/at/all', true],
  ['**/**/x', 'x', true],
  // `*` stays in one segment and matches dotfiles.
  ['*', 'name', true],
  ['*', 'a/b', false],
  ['**/*.key', '/srv/tls/.key', true],
  ['**/*.key', '/srv/tls/server.key', true],
  ['**/*.key', '/srv/tls/server.key/x', false],
  ['/srv/*', '/srv/a', true],
  ['/srv/*', '/srv/a/b', false],
  ['shell_*', 'shell_exec', true],
  ['shell_*', 'shell', false],
  ['*_tool', 'x_tool', true],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'aXbY', false],
  ['a*b', 'a/b', false],
  // `?` is one character (a whole code point), never `/`.
  ['file?.txt', 'file1.txt', true],
  ['file?.txt', 'file.txt', false],
  ['file?.txt', 'file12.txt', false],
  ['a?b', 'a/b', false],
  ['?', '😀', true],
  // Classes.
  ['[abc].txt', 'b.txt', true],
  ['[abc].txt', 'd.txt', false],
  ['[a-c]x', 'cx', true],
  ['[!a-c]x', 'dx', true],
  ['[!a-c]x', 'ax', false],
  ['[^a]', 'b', true],
  ['[]]', ']', true],
  ['[!]]', 'a', true],
  ['[a-]', '-', true],
  ['[', '[', true],
  ['[abc', '[abc', true],
  // Braces, nested.
  ['*.{key,pem}', 'x.pem', true],
  ['*.{key,pem}', 'x.crt', false],
  ['{a,b{c,d}}x', 'bdx', true],
  ['{a,b{c,d}}x', 'bx', false],
  ['{,.}env', '.env', true],
  ['{a}', '{a}', true],
  ['{a', '{a', true],
  // Segment shapes inside longer patterns.
  ['src/*.ts', 'src/a.ts', true],
  ['src/*.ts', 'src/a.js', false],
  ['a/lib*/x', 'a/libfoo/x', true],
  ['a/lib*/x', 'a/foo/x', false],
  ['**/file?.txt', '/a/file1.txt', true],
  ['**/[!.]*', '/a/.b', false],
  ['**/[!.]*', '/a/b', true],
  // Code points beyond the BMP count as one character.
  ['[😀-😂]', '😁', true],
  ['[😀-😂]', '😃', false],
  ['*😀', 'x😀', true],
  ['?x', '😀x', true],
  ['*x?', '😀😀x😀', true],
  ['*a?', '😀😀x😀', false],
  // Escapes.
  ['[\\]]', ']', true],
  ['[a\\-z]', '-', true],
  ['[a\\-z]', 'b', false],
  ['[a-\\z]', 'm', true],
  ['\\*', '*', true],
  ['\\*', 'x', false],
  ['\\{a,b\\}', '{a,b}', true],
  ['a\\?', 'a?', true],
];

describe('compileGlob', () => {
  it.each(CASES)('%s vs %s -> %s', (pattern, text, matches) => {
    expect(compileGlob(pattern).test(text)).toBe(matches);
  });

  it('is case-sensitive unless told otherwise', () => {
    expect(compileGlob('**/.ENV').test('/a/.env')).toBe(false);
    expect(compileGlob('**/.ENV', { caseInsensitive: true }).test('/a/.env')).toBe(true);
    expect(compileGlob('*.key', { caseInsensitive: true }).test('SERVER.KEY')).toBe(true);
  });

  it('matches slash-free patterns against the file name with matchBase', () => {
    const glob = compileGlob('*.pem', { matchBase: true });
    expect(glob.test('/a/b/c.pem')).toBe(true);
    expect(glob.test('/a/c.pem/x')).toBe(false);
    expect(compileGlob('*.pem').test('/a/b/c.pem')).toBe(false);
    expect(compileGlob('**', { matchBase: true }).test('/a/b')).toBe(true);
  });

  it('keeps the source and refuses non-strings at test time', () => {
    const glob = compileGlob('a*');
    expect(glob.source).toBe('a*');
    expect(glob.test(42 as unknown as string)).toBe(false);
  });

  it.each([
    ['too_long', 'a'.repeat(2000), {}],
    ['too_many_alternatives', '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}', {}],
    ['too_many_alternatives', '{a,b,c}', { maxAlternatives: 2 }],
    ['not_string', 42, {}],
  ] as const)('refuses a %s pattern with invalid_input', (reason, pattern, options) => {
    let thrown: unknown;
    try {
      compileGlob(pattern as string, options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).code).toBe('invalid_input');
    expect(((thrown as ValidationError).data as GlobErrorData).reason).toBe(reason);
  });

  it('answers pathological patterns quickly (no backtracking blow-up)', () => {
    const stars = compileGlob('*a*a*a*a*a*a*a*a*a*a*b');
    expect(stars.test('a'.repeat(20_000))).toBe(false);
    const globstars = compileGlob('**/a/**/a/**/a/**/a/**/b');
    expect(globstars.test('/a'.repeat(5_000))).toBe(false);
    const classes = compileGlob('*[a-z]*[a-z]*[a-z]*[a-z]*!');
    expect(classes.test('x'.repeat(20_000))).toBe(false);
  });
});
