import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordinator, createToolRegistry } from 'skreaver';
import { textUppercaseTool } from 'skreaver/tools';
import { afterAll, describe, expect, it } from 'vitest';
import { multiAgent } from '../../cli/agents/multi.js';
import { runCli } from '../_support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'skreaver-cli-multi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('skreaver run multi', () => {
  it('runs one step on "Skreaver" with text_uppercase and text_reverse and exits 0', async () => {
    expect(await runCli(['run', 'multi'])).toEqual({
      code: 0,
      stdout: 'Agent said: Echo: Skreaver -> [SKREAVER, revaerkS]\n',
      stderr: '',
    });
  });

  it('does not read stdin', async () => {
    const r = await runCli(['run', 'multi'], 'ignored\nlines\n');
    expect(r.stdout).toBe('Agent said: Echo: Skreaver -> [SKREAVER, revaerkS]\n');
  });

  it('runs one step per --input line instead', async () => {
    const r = await runCli(['run', 'multi', '--input', 'abc\nStraße 😀']);
    expect(r).toEqual({
      code: 0,
      stdout:
        'Agent said: Echo: abc -> [ABC, cba]\nAgent said: Echo: Straße 😀 -> [STRASSE 😀, 😀 eßartS]\n',
      stderr: '',
    });
  });

  it('keeps its input in file memory with --memory file:PATH', async () => {
    const url = `file:${join(dir, 'multi.json')}`;
    expect((await runCli(['run', 'multi', '--memory', url])).code).toBe(0);
    expect(await runCli(['memory', 'export', url])).toEqual({
      code: 0,
      stdout: '{"key":"multi:input","value":"Skreaver"}\n',
      stderr: '',
    });
  });

  it('is listed in --help and in the unknown-agent message', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}multi {6}/m);
    expect((await runCli(['run', 'nope'])).stderr).toContain(
      'Built-in agents: echo, multi, reasoning.',
    );
  });
});

describe('the multi-tool agent', () => {
  it('leaves out a tool that fails and echoes alone when both fail', async () => {
    const registry = createToolRegistry().register(textUppercaseTool());
    const coordinator = createCoordinator<string, string>({ registry });
    await coordinator.add('multi', multiAgent());
    expect(await coordinator.step('multi', 'ab')).toBe('Echo: ab -> [AB]');
    await coordinator.close();
    await registry.close();

    const empty = createToolRegistry();
    const alone = createCoordinator<string, string>({ registry: empty });
    await alone.add('multi', multiAgent());
    expect(await alone.step('multi', 'ab')).toBe('Echo: ab');
    expect(await alone.step('multi', 'cd')).toBe('Echo: cd');
    await alone.close();
    await empty.close();
  });
});

describe('the built skreaver bin', () => {
  const bin = new URL('../../dist/cli/index.js', import.meta.url).pathname;
  const tools = new URL('../../dist/tools/index.js', import.meta.url).pathname;

  it('has the skreaver/tools entry the agents import', () => {
    expect(existsSync(tools), `${tools} is missing: export ./tools in package.json and build`).toBe(
      true,
    );
  });

  it('runs multi from a real process and exits 0', () => {
    const r = spawnSync(process.execPath, [bin, 'run', 'multi'], {
      input: '',
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Agent said: Echo: Skreaver -> [SKREAVER, revaerkS]\n');
  });
});
