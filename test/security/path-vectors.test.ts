import { describe, expect, it } from 'vitest';
import { SecurityError } from '../../src/errors/index.js';
import {
  checkPath,
  compileFsRules,
  type InvalidPathProblem,
  isUnderRoot,
  type NormalizePathOptions,
  normalizePath,
  type PathDeniedData,
  type PathDeniedReason,
} from '../../src/security/validators/index.js';
import { fsPolicy } from './_validator-policies.js';

const FS = fsPolicy({ allowPaths: ['/srv/data', '/tmp/work/'] });
const BASE: NormalizePathOptions = { baseDir: '/srv/data' };

type Allowed = readonly [
  input: string,
  expected: string,
  options?: NormalizePathOptions | undefined,
];
type Denied = readonly [
  input: string,
  reason: PathDeniedReason,
  problem?: InvalidPathProblem | undefined,
  options?: NormalizePathOptions | undefined,
];

const ALLOWED: readonly Allowed[] = [
  ['/srv/data/file.txt', '/srv/data/file.txt'],
  ['/srv/data', '/srv/data'],
  ['/srv/data/', '/srv/data'],
  ['/srv/data//a///b', '/srv/data/a/b'],
  ['/srv/data/./a/./b/.', '/srv/data/a/b'],
  ['/srv/data/a/../b', '/srv/data/b'],
  ['notes/today.md', '/srv/data/notes/today.md', BASE],
  ['./notes', '/srv/data/notes', BASE],
  ['/tmp/work/x', '/tmp/work/x'],
  ['/srv/data/100%.txt', '/srv/data/100%.txt'],
  ['/srv/data/%41.txt', '/srv/data/%41.txt'],
  ['/srv/data/café.txt', '/srv/data/café.txt'],
  ['/srv/data/😀.txt', '/srv/data/😀.txt'],
  ['/srv/data/..hidden', '/srv/data/..hidden'],
  ['/srv/data/...', '/srv/data/...'],
  ['....//....//etc/passwd', '/srv/data/..../..../etc/passwd', BASE],
  ['/srv/data/a b.txt', '/srv/data/a b.txt'],
];

const DENIED: readonly Denied[] = [
  // Outside the roots, compared component-wise after normalisation.
  ['/etc/passwd', 'outside_roots'],
  ['/srv/data/../../etc/passwd', 'outside_roots'],
  ['../../etc/passwd', 'outside_roots', undefined, BASE],
  ['../data2/x', 'outside_roots', undefined, BASE],
  ['/srv/data2/file', 'outside_roots'],
  ['/srv/dat', 'outside_roots'],
  ['/srv', 'outside_roots'],
  ['/', 'outside_roots'],
  ['/srv/data/../data2/x', 'outside_roots'],
  ['/../../../../srv/data/../../etc/shadow', 'outside_roots'],
  ['/tmp/workshop/x', 'outside_roots'],
  ['/srv/data/a/../../..', 'outside_roots'],
  // Deny globs, case-insensitive, at any depth.
  ['/srv/data/.env', 'denied_pattern'],
  ['/srv/data/app/.ENV', 'denied_pattern'],
  ['/srv/data/.env.production', 'denied_pattern'],
  ['/srv/data/tls/server.key', 'denied_pattern'],
  ['/srv/data/tls/server.PEM', 'denied_pattern'],
  ['/srv/data/.ssh/id_rsa', 'denied_pattern'],
  ['/srv/data/.git/config', 'denied_pattern'],
  ['/srv/data/.git', 'denied_pattern'],
  ['/srv/data/x/../.aws/credentials', 'denied_pattern'],
  ['sub/.env', 'denied_pattern', undefined, BASE],
  // Unusable text.
  ['', 'invalid_path', 'empty'],
  ['/srv/data/a\0b', 'invalid_path', 'nul'],
  ['/srv/data/a\nb', 'invalid_path', 'control'],
  ['/srv/data/\x7f', 'invalid_path', 'control'],
  ['/srv/data/\u0085', 'invalid_path', 'control'],
  ['/srv/data/..\\..\\etc\\passwd', 'invalid_path', 'backslash'],
  ['..\\..\\etc\\passwd', 'invalid_path', 'backslash', BASE],
  ['/srv/data/%2e%2e/%2e%2e/etc/passwd', 'invalid_path', 'encoded'],
  ['/srv/data/%2E%2E%2Fetc', 'invalid_path', 'encoded'],
  ['/srv/data/..%2fetc', 'invalid_path', 'encoded'],
  ['/srv/data/%5c..', 'invalid_path', 'encoded'],
  ['/srv/data/%252e%252e/', 'invalid_path', 'encoded'],
  ['/srv/data/%c0%ae%c0%ae/', 'invalid_path', 'encoded'],
  ['/srv/data/%e0%80%ae', 'invalid_path', 'encoded'],
  ['/srv/data/a%00.txt', 'invalid_path', 'encoded'],
  ['/srv/data/\ud800.txt', 'invalid_path', 'lone_surrogate'],
  ['/srv/data/\udc00x', 'invalid_path', 'lone_surrogate'],
  ['/srv/data/x\ud83d', 'invalid_path', 'lone_surrogate'],
  ['/srv/data/\u202etxt.exe', 'invalid_path', 'invisible'],
  ['/srv/data/a\u200bb', 'invalid_path', 'invisible'],
  ['/srv/data/\ufeffx', 'invalid_path', 'invisible'],
  ['/srv/data/\u2066x\u2069', 'invalid_path', 'invisible'],
  ['/srv/data/\u2215etc', 'invalid_path', 'confusable'],
  ['/srv/data/\uff0e\uff0e/x', 'invalid_path', 'confusable'],
  ['/srv/data/\u2024\u2024/x', 'invalid_path', 'confusable'],
  ['/srv/data/a\uff0fb', 'invalid_path', 'confusable'],
  ['relative/path', 'invalid_path', 'relative'],
  ['x', 'invalid_path', 'relative', { baseDir: 'not/absolute' }],
  ['x', 'invalid_path', 'relative', { baseDir: '/srv/\0' }],
  [42 as unknown as string, 'invalid_path', 'not_string'],
  // Too long, the input alone or joined with the base.
  [`/srv/data/${'a'.repeat(5000)}`, 'too_long'],
  ['a'.repeat(4090), 'too_long', undefined, BASE],
  ['/srv/data/abc', 'too_long', undefined, { maxPathLength: 5 }],
];

function denial(result: ReturnType<typeof checkPath>): PathDeniedData {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error).toBeInstanceOf(SecurityError);
  expect(result.error.code).toBe('path_denied');
  return result.error.data as PathDeniedData;
}

describe('checkPath vectors', () => {
  it('has the promised number of vectors', () => {
    expect(ALLOWED.length + DENIED.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ALLOWED.map(([input, expected, options]) => ({ input, expected, options })))(
    'allows $input as $expected',
    ({ input, expected, options }) => {
      expect(checkPath(input, FS, options)).toEqual({ ok: true, value: expected });
    },
  );

  it.each(DENIED.map(([input, reason, problem, options]) => ({ input, reason, problem, options })))(
    'refuses $input with $reason ($problem)',
    ({ input, reason, problem, options }) => {
      const data = denial(checkPath(input, FS, options));
      expect(data.reason).toBe(reason);
      expect(data.problem).toBe(problem);
    },
  );
});

describe('checkPath details', () => {
  it('refuses everything when fs is disabled', () => {
    const data = denial(
      checkPath('/srv/data/x', fsPolicy({ enabled: false, allowPaths: ['/srv/data'] })),
    );
    expect(data.reason).toBe('fs_disabled');
  });

  it('names the pattern and the offending character', () => {
    expect(denial(checkPath('/srv/data/a/server.key', FS))).toMatchObject({
      pattern: '**/*.key',
      path: '/srv/data/a/server.key',
    });
    expect(denial(checkPath('/srv/data/\u202e', FS))).toMatchObject({ char: 'U+202E' });
  });

  it('cuts long inputs in the error data', () => {
    const data = denial(checkPath(`/srv/data/${'\0'.repeat(100_000)}`, FS));
    expect(data.path?.length).toBeLessThanOrEqual(256);
  });

  it('matches relative deny globs against the path under the root too', () => {
    const fs = fsPolicy({ allowPaths: ['/srv/data'], denyPatterns: ['build/**', 'secret.txt'] });
    expect(denial(checkPath('/srv/data/build/out.js', fs)).pattern).toBe('build/**');
    expect(denial(checkPath('/srv/data/deep/secret.txt', fs)).pattern).toBe('secret.txt');
    expect(checkPath('/srv/data/src/build/out.js', fs).ok).toBe(true);
  });

  it('allows everything below / when / is a root', () => {
    const fs = fsPolicy({ allowPaths: ['/'], denyPatterns: [] });
    expect(checkPath('/etc/hosts', fs)).toEqual({ ok: true, value: '/etc/hosts' });
  });

  it('refuses a policy whose roots or globs do not compile, with policy_invalid', () => {
    const fs = fsPolicy({
      allowPaths: ['relative', '/ok', 'C:\\data'],
      denyPatterns: ['{a,b}'.repeat(10)],
    });
    const result = checkPath('/ok/x', fs);
    expect(!result.ok && result.error.code).toBe('policy_invalid');
    if (result.ok) return;
    expect(
      (result.error.data as unknown as { problems: { path: string }[] }).problems.map(
        (p) => p.path,
      ),
    ).toEqual(['fs.allowPaths[0]', 'fs.allowPaths[2]', 'fs.denyPatterns[0]']);
    expect(() => compileFsRules(fs)).toThrow(SecurityError);
  });

  it('exposes the compiled rules', () => {
    const rules = compileFsRules(FS);
    expect(rules.roots).toEqual(['/srv/data', '/tmp/work']);
    expect(rules.rootOf('/srv/data/x')).toBe('/srv/data');
    expect(rules.rootOf('/srv/database')).toBeUndefined();
    expect(rules.deniedBy('/srv/data/a.pem')).toBe('**/*.pem');
    expect(rules.check('/srv/data/a').ok).toBe(true);
  });

  it('names the first deny rule in policy order, whether it matched the path or the root-relative path', () => {
    const rules = compileFsRules({
      ...FS,
      denyPatterns: ['**/*.txt', 'Secrets/**', '**/*.TXT', 'srv/**'],
    });
    // The relative rule comes second: the first rule still wins.
    expect(rules.deniedBy('/srv/data/secrets/a.txt', '/srv/data')).toBe('**/*.txt');
    // A relative rule before an absolute one that also matches.
    expect(rules.deniedBy('/srv/data/secrets/a.md', '/srv/data')).toBe('Secrets/**');
    // Relative rules match only below a root; absolute ones anywhere.
    expect(rules.deniedBy('/srv/data/secrets/a.md')).toBe('srv/**');
    expect(rules.deniedBy('/srv/data/x.md', '/srv/data')).toBe('srv/**');
    expect(rules.deniedBy('/tmp/work/x.md', '/tmp/work')).toBeUndefined();
    expect(compileFsRules({ ...FS, denyPatterns: [] }).deniedBy('/srv/data/a.pem')).toBeUndefined();
  });
});

describe('isUnderRoot and normalizePath', () => {
  it.each([
    ['/data', '/data', true],
    ['/data/x', '/data', true],
    ['/data2', '/data', false],
    ['/dat', '/data', false],
    ['/anything', '/', true],
  ] as const)('%s under %s: %s', (path, root, expected) => {
    expect(isUnderRoot(path, root)).toBe(expected);
  });

  it('keeps .. at the root, as POSIX does', () => {
    expect(normalizePath('/../../a')).toEqual({ ok: true, value: '/a' });
    expect(normalizePath('/..')).toEqual({ ok: true, value: '/' });
  });
});
