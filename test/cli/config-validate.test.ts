import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliOptions } from '../../cli/main.js';
import { runCli as runWith } from '../_support/cli.js';

const runCli = (argv: string[], options: CliOptions = {}) => runWith(argv, '', options);

const fixtures = new URL('../adapters/fixtures/', import.meta.url).pathname;

describe('skreaver config validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skreaver-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints ok for a valid file, relative to the working directory', async () => {
    const r = await runCli(['config', 'validate', 'policy-skreaver.toml'], { cwd: fixtures });
    expect(r).toEqual({ code: 0, stdout: 'ok: policy-skreaver.toml\n', stderr: '' });
  });

  it('prints warnings before ok for a file in the original layout', async () => {
    const r = await runCli(['config', 'validate', join(fixtures, 'policy-original.toml')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`ok: ${join(fixtures, 'policy-original.toml')}`);
    expect(lines).toContain(
      'warning: metadata: [metadata] is accepted and ignored: informational only (line 4, column 1)',
    );
    expect(lines.slice(0, -1).every((line) => line.startsWith('warning: '))).toBe(true);
  });

  it('prints every problem as path: message with its line, and exits 1', async () => {
    const r = await runCli(['config', 'validate', 'policy-invalid.toml'], { cwd: fixtures });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe(
      'fs.enabled: must be true or false, got the string "yes" (line 2, column 1)',
    );
    expect(lines).toContain(
      'http.allow_methods[0]: must be upper-case: write \'GET\', not "get" (line 11, column 18)',
    );
    expect(lines.at(-1)).toBe('invalid: policy-invalid.toml (11 problems)');
  });

  it('treats warnings as problems with --strict', async () => {
    const r = await runCli(['config', 'validate', '--strict', 'policy-original.toml'], {
      cwd: fixtures,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('metadata: [metadata] is accepted and ignored');
    expect(r.stdout).toMatch(/invalid: policy-original\.toml \(\d+ problems\)\n$/);
  });

  it('reports malformed TOML and an unreadable file as problems', async () => {
    const broken = join(dir, 'broken.toml');
    writeFileSync(broken, '[fs\nenabled = true\n');
    const r = await runCli(['config', 'validate', broken]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\(policy\): is not valid TOML: .* \(line 1, column \d+\)\n/);
    const missing = await runCli(['config', 'validate', join(dir, 'missing.toml')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('(policy): could not be read: ENOENT');
  });

  it('explains a missing TOML adapter', async () => {
    const r = await runCli(['config', 'validate', 'x.toml'], {
      loadToml: () => Promise.reject(new Error("Cannot find package 'smol-toml'")),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm install smol-toml');
  });

  it.each([
    [['config'], 'config needs a subcommand'],
    [['config', 'check', 'x.toml'], "Unknown config subcommand 'check'"],
    [['config', 'validate'], 'config validate needs a policy file'],
    [['config', 'validate', 'a.toml', 'b.toml'], "Unexpected argument 'b.toml'"],
    [['config', 'validate', 'a.toml', '--atomic'], "Option '--atomic' does not apply"],
  ])('refuses %j as a usage error', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('is listed in --help', async () => {
    expect((await runCli(['--help'])).stdout).toContain(
      'skreaver config validate <FILE> [--strict]',
    );
  });
});

describe('the built skreaver bin: config validate', () => {
  const bin = new URL('../../dist/cli/index.js', import.meta.url).pathname;
  const adapter = join(dirname(dirname(bin)), 'config', 'toml', 'index.js');

  it('is built with the config/toml subpath', () => {
    expect(existsSync(bin), `${bin} is missing: run npm run build`).toBe(true);
    expect(
      existsSync(adapter),
      `${adapter} is missing: add the ./config/toml export and run npm run build`,
    ).toBe(true);
  });

  it('validates a file from a real process', () => {
    const ok = spawnSync(process.execPath, [bin, 'config', 'validate', 'policy-skreaver.toml'], {
      cwd: fixtures,
      encoding: 'utf8',
    });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('ok: policy-skreaver.toml\n');
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'config', 'validate', 'policy-invalid.toml'], {
      cwd: fixtures,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('invalid: policy-invalid.toml (11 problems)');
  });
});
