import { describe, expect, it } from 'vitest';
import { SecurityError } from '../../src/errors/families.js';
import {
  DEFAULT_POLICY,
  POLICY_LIMITS,
  type PolicyInvalidData,
  parsePolicy,
  policyForTool,
  policyWarnings,
  type SecurityPolicy,
  validatePolicy,
} from '../../src/security/policy/index.js';

/** The problems of an invalid policy (fails the test if it is valid). */
function problemsOf(input: unknown): { path: string; message: string }[] {
  const result = validatePolicy(input);
  if (result.ok) throw new Error('expected the policy to be invalid');
  expect(result.error).toBeInstanceOf(SecurityError);
  expect(result.error.code).toBe('policy_invalid');
  return [...(result.error.data as PolicyInvalidData).problems];
}

const pathsOf = (input: unknown): string[] => problemsOf(input).map((p) => p.path);

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe('validatePolicy: defaults', () => {
  it('fills every section from the safe defaults and freezes the result deeply', () => {
    const result = validatePolicy({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual(DEFAULT_POLICY);
    expect(result.value).not.toBe(DEFAULT_POLICY);
    expect(isDeepFrozen(result.value)).toBe(true);
    expect(result.value.fs.enabled).toBe(false);
    expect(result.value.http.enabled).toBe(false);
    expect(result.value.network.enabled).toBe(false);
  });

  it('accepts DEFAULT_POLICY itself and a policy it produced', () => {
    const once = parsePolicy(DEFAULT_POLICY);
    expect(parsePolicy(once)).toEqual(DEFAULT_POLICY);
  });

  it('keeps given fields, defaults the rest, and lets lists replace the default lists', () => {
    const policy = parsePolicy({
      fs: { enabled: true, allowPaths: ['/srv/data'], denyPatterns: ['**/*.secret'] },
      http: { enabled: true, allowDomains: ['api.example.com'], timeoutMs: 5_000 },
      resources: { maxMemoryMb: 512 },
      emergency: { securityContact: 'sec@example.com' },
    });
    expect(policy.fs).toEqual({
      ...DEFAULT_POLICY.fs,
      enabled: true,
      allowPaths: ['/srv/data'],
      denyPatterns: ['**/*.secret'],
    });
    expect(policy.http.timeoutMs).toBe(5_000);
    expect(policy.http.maxRedirects).toBe(DEFAULT_POLICY.http.maxRedirects);
    expect(policy.resources.maxMemoryMb).toBe(512);
    expect(policy.emergency.securityContact).toBe('sec@example.com');
    expect(isDeepFrozen(policy)).toBe(true);
  });

  it('treats undefined fields and sections as absent', () => {
    expect(parsePolicy({ fs: undefined, http: { timeoutMs: undefined } })).toEqual(DEFAULT_POLICY);
  });
});

describe('validatePolicy: problems', () => {
  it('reports every problem with its path, not just the first', () => {
    const problems = problemsOf({
      fs: { allowPaths: ['relative/dir', '/srv/../etc'], bogus: 1 },
      http: {
        allowDomains: ['ok.example.com', 'a*.example.com', '10.*', 'Upper.example.com'],
        allowMethods: ['get'],
        timeoutMs: 0,
      },
      secrets: { extraPatterns: ['(a+)+', '['] },
      tools: { 'bad name': {}, reader: { fs: { enabled: 'yes' } } },
      allow_paths: [],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'fs.allowPaths[0]',
      'fs.allowPaths[1]',
      'fs.bogus',
      'http.allowDomains[1]',
      'http.allowDomains[2]',
      'http.allowDomains[3]',
      'http.allowMethods[0]',
      'http.timeoutMs',
      'secrets.extraPatterns[0]',
      'secrets.extraPatterns[1]',
      'tools["bad name"]',
      'tools.reader.fs.enabled',
      'allow_paths',
    ]);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath['fs.allowPaths[0]']).toContain('absolute');
    expect(byPath['fs.allowPaths[1]']).toContain("'..'");
    expect(byPath['http.allowMethods[0]']).toContain("write 'GET'");
    expect(byPath['http.timeoutMs']).toContain('from 1 to 86400000');
    expect(byPath['http.allowDomains[2]']).toContain('allowPrivateNetworks');
    expect(byPath['secrets.extraPatterns[0]']).toContain('exponential');
    expect(byPath['secrets.extraPatterns[1]']).toContain('not a valid regular expression');
    expect(byPath.allow_paths).toContain('unknown key');
  });

  it('names the first few problems in the message and counts the rest', () => {
    const result = validatePolicy({ fs: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/^The security policy is invalid \(7 problems\): fs\.a: /);
    expect(result.error.message).toContain('and 2 more');
    expect(result.error.data?.omitted).toBe(0);
  });

  it('suggests the key that was probably meant', () => {
    const messages = problemsOf({
      fs: { allow_paths: [], alowPaths: [], followsymlinks: true },
      audti: {},
    }).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^fs\.allow_paths: .*did you mean 'allowPaths'/),
      expect.stringMatching(/^fs\.alowPaths: .*did you mean 'allowPaths'/),
      expect.stringMatching(/^fs\.followsymlinks: .*did you mean 'followSymlinks'/),
      expect.stringMatching(/^audti: .*did you mean 'audit'/),
    ]);
  });

  it('refuses wrong types everywhere', () => {
    expect(
      pathsOf({
        fs: { enabled: 'true', allowPaths: '/srv', maxFileSize: '10' },
        http: { allowPorts: [80, '443'], userAgent: 7 },
        audit: { level: 'WARN' },
        secrets: { onInput: 'block' },
        emergency: { allowedTools: [null] },
        network: [],
      }),
    ).toEqual([
      'fs.enabled',
      'fs.allowPaths',
      'fs.maxFileSize',
      'http.allowPorts[1]',
      'http.userAgent',
      'audit.level',
      'secrets.onInput',
      'emergency.allowedTools[0]',
      'network',
    ]);
  });

  it.each([[null], [[]], ['policy'], [42], [new Map()], [new Date(0)], [undefined]])(
    'refuses %o as a policy',
    (input) => {
      expect(pathsOf(input)).toEqual(['']);
    },
  );

  it('enforces the documented numeric bounds, inclusive', () => {
    const GIB = 1024 ** 3;
    const ok = parsePolicy({
      fs: { maxFileSize: GIB, maxFilesPerOperation: 10_000 },
      http: {
        timeoutMs: 86_400_000,
        maxRedirects: 20,
        maxResponseBytes: 500 * 1024 ** 2,
        allowPorts: [1, 65_535],
      },
      resources: { timeoutMs: 1, maxInputBytes: 1, maxOutputBytes: GIB, maxConcurrent: 1 },
    });
    expect(ok.http.maxRedirects).toBe(20);
    expect(
      pathsOf({
        fs: { maxFileSize: 0, maxFilesPerOperation: 10_001 },
        http: {
          timeoutMs: 86_400_001,
          maxRedirects: 21,
          maxResponseBytes: 500 * 1024 ** 2 + 1,
          allowPorts: [0, 65_536],
        },
        network: { denyPorts: [-1] },
        resources: {
          timeoutMs: 1.5,
          maxConcurrentPerTool: 0,
          maxInputBytes: GIB + 1,
          maxMemoryMb: Number.NaN,
        },
      }),
    ).toEqual([
      'fs.maxFileSize',
      'fs.maxFilesPerOperation',
      'http.timeoutMs',
      'http.maxRedirects',
      'http.maxResponseBytes',
      'http.allowPorts[0]',
      'http.allowPorts[1]',
      'network.denyPorts[0]',
      'resources.timeoutMs',
      'resources.maxConcurrentPerTool',
      'resources.maxInputBytes',
      'resources.maxMemoryMb',
    ]);
  });

  it('requires absolute allowPaths without .. segments', () => {
    expect(
      parsePolicy({ fs: { allowPaths: ['/srv/a..b', 'C:\\data', 'D:/x', '\\\\server\\share'] } }).fs
        .allowPaths,
    ).toHaveLength(4);
    expect(
      pathsOf({ fs: { allowPaths: ['./data', 'data', '/a/../b', '/a/..', 'C:rel', ''] } }),
    ).toEqual([
      'fs.allowPaths[0]',
      'fs.allowPaths[1]',
      'fs.allowPaths[2]',
      'fs.allowPaths[3]',
      'fs.allowPaths[4]',
      'fs.allowPaths[5]',
    ]);
  });

  it('checks deny globs for balanced brackets and braces', () => {
    expect(
      parsePolicy({ fs: { denyPatterns: ['**/*.{key,pem}', '/etc/[a-z]*', '\\['] } }).fs
        .denyPatterns,
    ).toHaveLength(3);
    expect(pathsOf({ fs: { denyPatterns: ['**/*.{key', '/etc/[a-z', 'x}', ''] } })).toHaveLength(4);
  });

  const goodDomains = [
    '*',
    '*.example.com',
    'example.com',
    'a-b.example.co',
    'localhost',
    '192.0.2.1',
    '[2001:db8::1]',
    'under_score.example',
  ];
  const badDomains = [
    '',
    'a*.example.com',
    '*example.com',
    'example.*',
    '*.*.example.com',
    '10.*',
    '192.168.*',
    'Example.com',
    'ex ample.com',
    '-a.example.com',
    'a-.example.com',
    'a..b',
    'example.com.',
    '256.1.1.1',
    '10.0.0',
    '::1',
    '[::G]',
    'bücher.de',
    '*.192.0.2.1',
  ];

  it.each(goodDomains)('accepts the domain pattern %j', (pattern) => {
    expect(
      parsePolicy({ http: { allowDomains: [pattern], denyDomains: [pattern] } }).http.allowDomains,
    ).toEqual([pattern]);
  });

  it.each(badDomains)('refuses the domain pattern %j', (pattern) => {
    expect(pathsOf({ http: { denyDomains: [pattern] } })).toEqual(['http.denyDomains[0]']);
  });

  it('checks methods, content types, tool globs and the env prefix', () => {
    expect(
      pathsOf({
        http: {
          allowMethods: ['GET', 'Post', 'GE T'],
          allowContentTypes: ['application/json', 'text/*', 'Text/HTML', 'json'],
        },
        emergency: { allowedTools: ['memory', 'read_*', 'a?c', 'bad tool', ''] },
        secrets: { envPrefix: '1BAD' },
      }),
    ).toEqual([
      'http.allowMethods[1]',
      'http.allowMethods[2]',
      'http.allowContentTypes[2]',
      'http.allowContentTypes[3]',
      'emergency.allowedTools[3]',
      'emergency.allowedTools[4]',
      'secrets.envPrefix',
    ]);
  });

  it('refuses control characters in header text', () => {
    expect(
      pathsOf({ http: { userAgent: 'agent\r\nX-Evil: 1' }, emergency: { securityContact: '' } }),
    ).toEqual(['http.userAgent', 'emergency.securityContact']);
  });

  it('checks extra secret patterns: syntax, empty matches, nesting, length and count', () => {
    const ok = parsePolicy({
      secrets: { extraPatterns: ['\\bACME-[0-9]{12}\\b', '(?:ab)+c', 'x{2,3}y'] },
    });
    expect(ok.secrets.extraPatterns).toHaveLength(3);
    const problems = problemsOf({
      secrets: { extraPatterns: ['(', 'a*', '(?:x*y)+', '(a{2,})*', 'z'.repeat(1_001)] },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'secrets.extraPatterns[0]',
      'secrets.extraPatterns[1]',
      'secrets.extraPatterns[2]',
      'secrets.extraPatterns[3]',
      'secrets.extraPatterns[4]',
    ]);
    expect(problems[1]?.message).toContain('empty string');
    expect(pathsOf({ secrets: { extraPatterns: Array(101).fill('abc') } })).toEqual([
      'secrets.extraPatterns',
    ]);
  });
});

describe('validatePolicy: tools', () => {
  it('validates per-tool overrides with the section rules', () => {
    const policy = parsePolicy({
      tools: {
        web_fetch: { http: { timeoutMs: 5_000, allowDomains: ['*.example.com'] } },
        shell_exec: { enabled: false },
      },
    });
    expect(policy.tools.web_fetch).toEqual({
      http: { timeoutMs: 5_000, allowDomains: ['*.example.com'] },
    });
    expect(isDeepFrozen(policy.tools)).toBe(true);
    expect(
      pathsOf({
        tools: {
          a: { enabeld: false, audit: {}, fs: { maxFileSize: -1 } },
          b: 'off',
          ' c': {},
          'd.e': {},
        },
      }),
    ).toEqual([
      'tools.a.enabeld',
      'tools.a.audit',
      'tools.a.fs.maxFileSize',
      'tools.b',
      'tools[" c"]',
      'tools["d.e"]',
    ]);
  });

  it('stores a tool named __proto__ as a plain key without touching prototypes', () => {
    const input = JSON.parse('{"tools": {"__proto__": {"enabled": false}}}') as unknown;
    const policy = parsePolicy(input);
    expect(Object.keys(policy.tools)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(policy.tools)).toBe(Object.prototype);
    expect(policyForTool(policy, '__proto__').enabled).toBe(false);
    expect(policyForTool(policy, 'other').enabled).toBe(true);
  });
});

describe('validatePolicy: giant and hostile input', () => {
  it('accepts lists at the cap and refuses longer ones with one problem, quickly', () => {
    const atCap = Array.from(
      { length: POLICY_LIMITS.maxListLength },
      (_, i) => `h${i}.example.com`,
    );
    expect(parsePolicy({ http: { allowDomains: atCap } }).http.allowDomains).toHaveLength(10_000);
    const over = [...atCap, 'one-more.example.com'];
    const problems = problemsOf({
      http: { denyDomains: over },
      fs: { allowPaths: Array(20_000).fill('bad') },
    });
    // Document order: http came first in the input.
    expect(problems.map((p) => p.path)).toEqual(['http.denyDomains', 'fs.allowPaths']);
    expect(problems[0]?.message).toContain('at most 10000');
  });

  it('refuses more tool overrides than the cap', () => {
    const tools = Object.fromEntries(
      Array.from({ length: 10_001 }, (_, i) => [`t${i}`, { enabled: false }]),
    );
    expect(pathsOf({ tools })).toEqual(['tools']);
  });

  it('caps the problems it lists and counts the rest', () => {
    const fs = Object.fromEntries(Array.from({ length: 1_500 }, (_, i) => [`k${i}`, 1]));
    const result = validatePolicy({ fs });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.data?.problems).toHaveLength(POLICY_LIMITS.maxProblems);
    expect(result.error.data?.omitted).toBe(500);
    expect(result.error.message).toContain('(1500 problems)');
  });

  it('reports a throwing getter or proxy trap as a problem instead of throwing', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(problemsOf({ fs: hostile })).toEqual([
      { path: 'fs', message: 'could not be read: trap' },
    ]);
    const getter = {
      get http() {
        throw new Error('boom');
      },
    };
    expect(problemsOf(getter)[0]?.message).toContain('boom');
  });

  it('parsePolicy throws the same SecurityError', () => {
    expect(() => parsePolicy({ fs: { enabled: 1 } })).toThrow(SecurityError);
    try {
      parsePolicy({ fs: { enabled: 1 } });
    } catch (error) {
      expect((error as SecurityError).code).toBe('policy_invalid');
    }
  });
});

describe('policyForTool', () => {
  const policy = parsePolicy({
    fs: { enabled: true, allowPaths: ['/srv'] },
    http: { enabled: false },
    resources: { maxInputBytes: 1_000 },
    tools: {
      reader: { fs: { enabled: false }, http: { enabled: true }, resources: { maxInputBytes: 50 } },
      writer: { fs: { allowPaths: ['/srv/out'] } },
      off: { enabled: false },
    },
  });

  it('lets enabled flags only narrow and other fields replace', () => {
    const reader = policyForTool(policy, 'reader');
    expect(reader.enabled).toBe(true);
    expect(reader.fs.enabled).toBe(false);
    expect(reader.http.enabled).toBe(false); // off globally stays off
    expect(reader.resources.maxInputBytes).toBe(50);
    expect(reader.resources.timeoutMs).toBe(policy.resources.timeoutMs);
    expect(policyForTool(policy, 'writer').fs).toEqual({ ...policy.fs, allowPaths: ['/srv/out'] });
    expect(policyForTool(policy, 'off').enabled).toBe(false);
  });

  it('gives tools without an override the global sections', () => {
    const plain = policyForTool(policy, 'anything');
    expect(plain.fs).toBe(policy.fs);
    expect(plain.resources).toBe(policy.resources);
    expect(plain.audit).toBe(policy.audit);
  });

  it('caches per policy: one object per tool with an override, one shared by the rest', () => {
    expect(policyForTool(policy, 'reader')).toBe(policyForTool(policy, 'reader'));
    expect(policyForTool(policy, 'a')).toBe(policyForTool(policy, 'b'));
    expect(Object.isFrozen(policyForTool(policy, 'reader').fs)).toBe(true);
  });

  it('never reads inherited properties as overrides', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(policyForTool(policy, name)).toBe(policyForTool(policy, 'anything'));
    }
  });

  it('works on an unfrozen hand-made policy without caching it', () => {
    const loose: SecurityPolicy = { ...DEFAULT_POLICY, tools: { x: { enabled: false } } };
    expect(policyForTool(loose, 'x').enabled).toBe(false);
    expect(policyForTool(loose, 'x')).not.toBe(policyForTool(loose, 'x'));
  });
});

describe('policyWarnings', () => {
  it('is quiet for the defaults', () => {
    expect(policyWarnings(DEFAULT_POLICY)).toEqual([]);
  });

  it('flags legal but risky or useless settings', () => {
    const warnings = policyWarnings(
      parsePolicy({
        fs: { enabled: true, followSymlinks: true },
        http: { enabled: true, allowDomains: ['*'], allowPrivateNetworks: true },
        network: { enabled: true, allowPorts: [22, 6379] },
        secrets: { onInput: 'allow' },
        emergency: { lockdown: true },
      }),
    ).map((w) => w.path);
    expect(warnings).toEqual([
      'fs.allowPaths',
      'fs.followSymlinks',
      'http.allowPrivateNetworks',
      'network.allowPorts', // 22 is a remote-shell port
      'network.allowPorts', // 22 and 6379 are also denied
      'secrets.onInput',
      'emergency.allowedTools',
    ]);
  });
});
