import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../_support/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('skreaver run echo', () => {
  it('echoes each stdin line upper-cased and exits 0 at end of input', async () => {
    const r = await runCli(['run', 'echo'], 'hello\n  Skreaver rocks  \n');
    expect(r).toEqual({
      code: 0,
      stdout: 'Agent said: Echo: HELLO\nAgent said: Echo: SKREAVER ROCKS\n',
      stderr: '',
    });
  });

  it('ends at once on empty stdin (the original spun forever at EOF)', async () => {
    const r = await runCli(['run', 'echo'], '');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('takes --input instead of stdin', async () => {
    const r = await runCli(['run', 'echo', '--input', 'one\ntwo']);
    expect(r.stdout).toBe('Agent said: Echo: ONE\nAgent said: Echo: TWO\n');
  });

  it('refuses an unknown agent with the list of built-in ones and exit code 2', async () => {
    const r = await runCli(['run', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown agent 'nope'. Built-in agents: echo, multi, reasoning.");
  });

  it('refuses unknown commands, flags and extra arguments with exit code 2', async () => {
    expect((await runCli(['fly'])).code).toBe(2);
    expect((await runCli(['run', 'echo', '--bogus'])).code).toBe(2);
    expect((await runCli(['run'])).stderr).toContain('run needs an agent name');
    expect((await runCli(['run', 'echo', 'extra'])).stderr).toContain(
      "Unexpected argument 'extra'",
    );
  });

  it('prints the real package version and help', async () => {
    expect((await runCli(['--version'])).stdout).toBe(`${pkg.version}\n`);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`skreaver ${pkg.version}`);
    expect(help.stdout).toContain('skreaver run <agent>');
    expect((await runCli([])).code).toBe(2);
  });
});

describe('the built skreaver bin', () => {
  const bin = new URL('../../dist/cli/index.js', import.meta.url).pathname;

  it('is built', () => {
    expect(existsSync(bin), `${bin} is missing: run npm run build`).toBe(true);
  });

  it('runs echo from a real process on piped stdin', () => {
    const r = spawnSync(process.execPath, [bin, 'run', 'echo'], {
      input: 'hi there\n',
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Agent said: Echo: HI THERE\n');
  });
});
