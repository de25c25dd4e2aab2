import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_POLICY,
  type PolicyInvalidData,
  type PolicyProblem,
  parsePolicy,
  SecurityError,
  ValidationError,
} from 'skreaver';
import { loadPolicyFile, parsePolicyToml } from 'skreaver/config/toml';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const read = (name: string): string => readFileSync(fixture(name), 'utf8');

/** The problems of TOML that must be refused (fails the test when it loads). */
function problemsOf(
  text: string,
  options: Parameters<typeof parsePolicyToml>[1] = {},
): PolicyProblem[] {
  try {
    parsePolicyToml(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityError);
    expect((error as SecurityError).code).toBe('policy_invalid');
    return [...((error as SecurityError).data as PolicyInvalidData).problems];
  }
  throw new Error('expected the policy to be refused');
}

const brief = (problems: PolicyProblem[]) => problems.map((p) => `${p.line ?? '-'} ${p.path}`);

describe('parsePolicyToml: the original layout', () => {
  it('reads the original v0.5 file and maps every section', () => {
    const { policy, warnings } = parsePolicyToml(read('policy-original.toml'));
    expect(policy.fs).toEqual({
      enabled: true,
      allowPaths: ['/srv/agent/data', '/srv/agent/tmp'],
      denyPatterns: ['**/*.key', '**/*.pem'],
      followSymlinks: false,
      maxFileSize: 8_388_608,
      maxFilesPerOperation: 50,
    });
    expect(policy.http).toMatchObject({
      enabled: true,
      allowDomains: ['api.example.com', '*.example.org'],
      denyDomains: ['localhost', '127.0.0.1', '169.254.169.254'],
      allowPrivateNetworks: false,
      allowMethods: ['GET', 'POST'],
      timeoutMs: 20_000,
      maxResponseBytes: 1_048_576,
      maxRedirects: 2,
      userAgent: 'skreaver-agent/0.1.0',
    });
    expect(policy.network).toEqual({ enabled: false, allowPorts: [], denyPorts: [22, 23, 25] });
    expect(policy.resources).toMatchObject({
      timeoutMs: 120_000,
      maxConcurrent: 8,
      maxMemoryMb: 256,
    });
    expect(policy.audit).toEqual({
      enabled: true,
      logAllowed: false,
      redactSecrets: true,
      level: 'warning',
    });
    expect(policy.secrets.envPrefix).toBe('SKREAVER_SECRET_');
    expect(policy.emergency).toEqual({
      lockdown: false,
      allowedTools: ['memory', 'logging'],
      securityContact: 'security@example.com',
    });
    expect(policy.tools).toEqual({
      file_read: { fs: { enabled: true }, http: { enabled: false }, network: { enabled: false } },
      shell_exec: { fs: { enabled: false }, http: { enabled: false }, network: { enabled: false } },
    });
    const byPath = new Map(warnings.map((w) => [w.path, w]));
    for (const path of [
      'metadata',
      'alerting',
      'development',
      'fs.access.Enabled.content_scanning',
      'http.access.InternetAccess.deny_domains[3]',
      'http.default_headers',
      'network.ttl_seconds',
      'resources.max_cpu_percent',
      'audit.secret_patterns',
      'secrets.environment_only',
      'emergency.auto_lockdown_triggers',
      'tools.file_read.rate_limit_per_minute',
    ]) {
      expect(byPath.has(path), path).toBe(true);
    }
    expect(byPath.get('metadata')?.line).toBe(4);
    expect(byPath.get('network.ttl_seconds')).toMatchObject({ line: 25, column: 1 });
    // Warnings come in document order.
    const lines = warnings.map((w) => w.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('reads the later original layout (Internet with a domain filter)', () => {
    const { policy } = parsePolicyToml(read('policy-original-internet.toml'));
    expect(policy.fs.enabled).toBe(false);
    expect(policy.http).toMatchObject({
      enabled: true,
      allowDomains: ['api.example.com'],
      denyDomains: ['evil.example.com'],
      timeoutMs: 15_000,
      maxResponseBytes: 2_097_152,
      maxRedirects: 1,
      userAgent: 'agent/2',
      allowMethods: ['GET'],
    });
    expect(policy.emergency).toMatchObject({ lockdown: true, allowedTools: ['health_check'] });
  });

  it('translates the other access variants', () => {
    expect(parsePolicyToml('[http]\naccess = "Disabled"').policy.http.enabled).toBe(false);
    const local = parsePolicyToml('[http]\naccess = { LocalOnly = { timeout = 5 } }');
    expect(local.policy.http).toMatchObject({
      enabled: true,
      allowDomains: ['localhost', '127.0.0.1', '[::1]'],
      allowPrivateNetworks: true,
      timeoutMs: 5_000,
    });
    expect(local.warnings[0]?.message).toContain('LocalOnly');
    const all = parsePolicyToml(
      '[http]\naccess = { InternetAccess = { allow_domains = [], allow_local = true } }',
    );
    expect(all.policy.http.allowDomains).toEqual(['*']);
    expect(all.warnings.map((w) => w.message).join()).toContain("becomes ['*']");
    expect(
      parsePolicyToml('[http]\naccess = { Internet = { domain_filter = "AllowAll" } }').policy.http
        .allowDomains,
    ).toEqual(['*']);
    expect(
      parsePolicyToml('[fs]\naccess = { Enabled = { symlink_behavior = "Follow" } }').policy.fs,
    ).toMatchObject({
      enabled: true,
      followSymlinks: true,
    });
  });

  it('refuses a private-range deny pattern it cannot drop, with the reason', () => {
    const problems = problemsOf(
      '[http]\naccess = { InternetAccess = { allow_local = true, deny_domains = ["ok.example.com", "10.*"] } }',
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: 'http.access.InternetAccess.deny_domains[1]', line: 2 }),
    ]);
    expect(problems[0]?.message).toContain('allowPrivateNetworks');
  });

  it('refuses unknown access variants and keys inside them', () => {
    expect(brief(problemsOf('[fs]\naccess = "Sometimes"'))).toEqual(['2 fs.access']);
    expect(brief(problemsOf('[http]\naccess = { Intranet = {} }'))).toEqual(['2 http.access']);
    expect(
      brief(problemsOf('[fs]\naccess = { Enabled = { symlink_behaviour = "Follow" } }')),
    ).toEqual(['2 fs.access.Enabled.symlink_behaviour']);
    expect(
      brief(problemsOf('[fs]\naccess = { Enabled = { symlink_behavior = "Maybe" } }')),
    ).toEqual(['2 fs.access.Enabled.symlink_behavior']);
  });

  it('converts seconds and upper-case log levels', () => {
    const { policy, warnings } = parsePolicyToml(
      '[resources]\nmax_execution_time = 2\n[audit]\nlog_level = "TRACE"',
    );
    expect(policy.resources.timeoutMs).toBe(2_000);
    expect(policy.audit.level).toBe('debug');
    expect(warnings.map((w) => w.path)).toEqual(['audit.log_level']);
    expect(
      brief(problemsOf('[http]\ntimeout = 1.5\n[resources]\nmax_execution_time_seconds = 90000')),
    ).toEqual(['2 http.timeout', '4 resources.max_execution_time_seconds']);
  });
});

describe('parsePolicyToml: skreaver layout', () => {
  it('reads snake_case and camelCase keys alike', () => {
    const { policy, warnings } = parsePolicyToml(read('policy-skreaver.toml'));
    expect(warnings).toEqual([]);
    expect(policy).toEqual(
      parsePolicy({
        fs: {
          enabled: true,
          allowPaths: ['/srv/agent/data'],
          followSymlinks: false,
          maxFileSize: 1_048_576,
        },
        http: {
          enabled: true,
          allowDomains: ['api.example.com', '*.example.org'],
          denyDomains: ['internal.example.org'],
          allowMethods: ['GET', 'POST'],
          timeoutMs: 10_000,
          maxResponseBytes: 2_097_152,
        },
        resources: {
          timeoutMs: 20_000,
          maxConcurrentPerTool: 4,
          maxConcurrent: 32,
          maxInputBytes: 65_536,
        },
        audit: { level: 'warning', logAllowed: false },
        secrets: { onInput: 'redact', onOutput: 'reject', extraPatterns: ['\\bACME-[0-9]{12}\\b'] },
        emergency: { allowedTools: ['health_*'], securityContact: 'security@example.com' },
        tools: {
          web_fetch: { http: { timeoutMs: 5_000, allowDomains: ['api.example.com'] } },
          shell_exec: { enabled: false },
        },
      }),
    );
  });

  it('gives the defaults for an empty document', () => {
    expect(parsePolicyToml('').policy).toEqual(DEFAULT_POLICY);
    expect(parsePolicyToml('# only a comment\n').policy).toEqual(DEFAULT_POLICY);
  });

  it('refuses the same field given twice under two spellings', () => {
    const problems = problemsOf('[http]\ntimeout_ms = 1000\ntimeoutMs = 2000\ntimeout = 3');
    expect(brief(problems)).toEqual(['3 http.timeoutMs', '4 http.timeout']);
    expect(problems[0]?.message).toContain("already set by 'http.timeout_ms'");
  });

  it('adds the policy advice to the warnings, at the TOML key', () => {
    const { warnings } = parsePolicyToml('[fs]\nenabled = true\nfollow_symlinks = true');
    expect(warnings.map((w) => `${w.line} ${w.path}`)).toEqual([
      '1 fs.allow_paths',
      '3 fs.follow_symlinks',
    ]);
  });
});

describe('parsePolicyToml: problems', () => {
  it('reports every problem with the TOML path as written, its line and column', () => {
    const problems = problemsOf(read('policy-invalid.toml'));
    expect(problems.map((p) => `${p.line}:${p.column} ${p.path}`)).toEqual([
      '2:1 fs.enabled',
      '5:3 fs.allow_paths[1]',
      '7:1 fs.max_file_size',
      '10:36 http.allow_domains[1]',
      '11:18 http.allow_methods[0]',
      '12:1 http.timeout',
      '13:1 http.retries',
      '16:19 network.deny_ports[1]',
      '19:1 tools.reader.fs_enabled',
      '21:1 tools."bad name"',
      '24:1 extra',
    ]);
    expect(problems.find((p) => p.path === 'http.retries')?.message).toContain('unknown key');
    expect(problems.find((p) => p.path === 'extra')?.message).toContain('known keys');
  });

  it('names the file and the first problems in the message', () => {
    try {
      parsePolicyToml('[fs]\nenabled = 1', { source: 'policy.toml' });
      expect.unreachable();
    } catch (error) {
      const e = error as SecurityError<PolicyInvalidData>;
      expect(e.message).toMatch(
        /^policy\.toml is invalid \(1 problem\): fs\.enabled: must be true or false/,
      );
      expect(e.message).toContain('(line 2, column 1)');
      expect(e.data?.source).toBe('policy.toml');
    }
  });

  it('reports malformed TOML with line and column, keeping the parser error as cause', () => {
    try {
      parsePolicyToml('[fs]\nenabled = true\nallow_paths = ["/a", \n[http\n');
      expect.unreachable();
    } catch (error) {
      const e = error as SecurityError<PolicyInvalidData>;
      expect(e.code).toBe('policy_invalid');
      expect(e.data?.problems).toEqual([
        expect.objectContaining({ path: '', line: expect.any(Number), column: expect.any(Number) }),
      ]);
      expect(e.data?.problems[0]?.message).toMatch(/^is not valid TOML: /);
      expect(e.cause).toBeInstanceOf(Error);
    }
  });

  it.each([
    ['a duplicate key', 'a = 1\na = 2'],
    ['an unterminated string', 'x = "abc'],
    ['a __proto__ key', '[tools.__proto__]\nenabled = false'],
    ['deep inline nesting', `x = ${'['.repeat(100)}${']'.repeat(100)}`],
    ['garbage', '\u0000\u0001\u0002'],
  ])('refuses %s with a typed error', (_what, text) => {
    expect(problemsOf(text).length).toBeGreaterThan(0);
  });

  it('refuses wrong types, dates and huge integers with plain messages', () => {
    const problems = problemsOf(
      '[fs]\nenabled = 1979-05-27T07:32:00Z\nmax_file_size = 99999999999999999999\n[network]\nallow_ports = "80"',
    );
    expect(brief(problems)).toEqual([
      '2 fs.enabled',
      '3 fs.max_file_size',
      '5 network.allow_ports',
    ]);
    expect(problems[0]?.message).toContain('1979-05-27');
    expect(problems[2]?.message).toContain('must be an array');
    expect(brief(problemsOf('fs = 3\ntools = []'))).toEqual(['1 fs', '2 tools']);
  });

  it('turns warnings into problems in strict mode', () => {
    expect(
      brief(problemsOf('[metadata]\nversion = "1"\n[network]\nttl = 5', { strict: true })),
    ).toEqual(['1 metadata', '4 network.ttl']);
  });

  it('refuses text over maxBytes before parsing it', () => {
    expect(problemsOf('x'.repeat(100), { maxBytes: 50 })[0]?.message).toContain('limit is 50');
    expect(problemsOf('# é\n'.repeat(20), { maxBytes: 80 })[0]?.message).toContain('100 bytes');
    expect(problemsOf(`# ${'y'.repeat(1024 * 1024)}`)[0]?.message).toContain('1048576');
    expect(() => parsePolicyToml('', { maxBytes: 0 })).toThrow(ValidationError);
  });

  it('refuses thousands of rules past the cap with one problem, and accepts them under it', () => {
    const list = (n: number) =>
      Array.from({ length: n }, (_, i) => `"h${i}.example.com"`).join(',');
    expect(
      parsePolicyToml(`[http]\nallow_domains = [${list(10_000)}]`).policy.http.allowDomains,
    ).toHaveLength(10_000);
    const problems = problemsOf(`[http]\nallow_domains = [${list(20_000)}]`);
    expect(brief(problems)).toEqual(['2 http.allow_domains']);
    expect(problems[0]?.message).toContain('at most 10000');
  });
});

describe('loadPolicyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skreaver-toml-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function refusal(path: string, options = {}): Promise<SecurityError<PolicyInvalidData>> {
    try {
      await loadPolicyFile(path, options);
    } catch (error) {
      expect(error).toBeInstanceOf(SecurityError);
      return error as SecurityError<PolicyInvalidData>;
    }
    throw new Error('expected a refusal');
  }

  it('loads a fixture and names it in problems', async () => {
    expect((await loadPolicyFile(fixture('policy-skreaver.toml'))).policy.http.enabled).toBe(true);
    const error = await refusal(fixture('policy-invalid.toml'));
    expect(error.data?.source).toBe(fixture('policy-invalid.toml'));
    expect(error.data?.problems).toHaveLength(11);
  });

  it('refuses a missing file, a directory and invalid UTF-8 with typed errors', async () => {
    const missing = await refusal(join(dir, 'nope.toml'));
    expect(missing.code).toBe('policy_invalid');
    expect(missing.data?.problems[0]?.message).toContain('could not be read');
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect((await refusal(dir)).data?.problems[0]?.message).toContain('directory');
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, Buffer.from([0x5b, 0x66, 0x73, 0x5d, 0x0a, 0xff, 0xfe]));
    expect((await refusal(bad)).data?.problems[0]?.message).toContain('UTF-8');
  });

  it('strips a byte-order mark', async () => {
    const bom = join(dir, 'bom.toml');
    writeFileSync(bom, `\ufeff[fs]\nenabled = true\nallow_paths = ["/x"]\n`);
    expect((await loadPolicyFile(bom)).policy.fs.enabled).toBe(true);
  });

  it('refuses a huge file from its size, without reading it', async () => {
    const huge = join(dir, 'huge.toml');
    writeFileSync(huge, '');
    truncateSync(huge, 4 * 1024 ** 3);
    const error = await refusal(huge);
    expect(error.data?.problems[0]?.message).toContain('the limit is 1048576');
  });

  it.skipIf(process.platform !== 'linux')('stops reading an endless file at the cap', async () => {
    // /dev/zero reports size 0 and never ends; only the read cap stops it.
    const error = await refusal('/dev/zero', { maxBytes: 1024 });
    expect(error.data?.problems[0]?.message).toContain('more than 1024 bytes');
  });

  it('refuses bad options', async () => {
    await expect(loadPolicyFile(fixture('policy-skreaver.toml'), { maxBytes: -1 })).rejects.toThrow(
      ValidationError,
    );
    await expect(loadPolicyFile('')).rejects.toThrow(SecurityError);
  });
});
