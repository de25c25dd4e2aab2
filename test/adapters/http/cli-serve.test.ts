import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { ValidationError } from 'skreaver';
import { describe, expect, it } from 'vitest';
import { SERVE_USAGE, serveCommand } from '../../../cli/commands/serve.js';
import { UsageError } from '../../../cli/usage-error.js';
import { bundle } from '../../_support/bundle.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

/** Runs `skreaver serve` in process until `body` is done; resolves the exit code and output. */
async function withServe(
  argv: string[],
  body: (url: string, key: string | undefined) => Promise<void>,
  options: { env?: Record<string, string>; cwd?: string } = {},
) {
  const out = capture();
  const err = capture();
  const stop = new AbortController();
  let failure: unknown;
  const code = await serveCommand(
    argv,
    { stdout: out.stream, stderr: err.stream },
    {
      env: options.env ?? {},
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      signal: stop.signal,
      onListening: (url, key) => {
        body(url, key)
          .catch((error: unknown) => {
            failure = error;
          })
          .finally(() => stop.abort());
      },
    },
  );
  if (failure !== undefined) throw failure;
  return { code, stdout: out.text(), stderr: err.text() };
}

const json = (url: string, key: string | undefined, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'x-api-key': key }),
    },
    body: JSON.stringify(body),
  });

describe('skreaver serve', () => {
  it('serves the built-in agent types with auth until stopped, then exits 0', async () => {
    const result = await withServe(['--port', '0'], async (url, key) => {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/agents`)).status).toBe(401);
      const created = await json(`${url}/agents`, key, { type: 'echo', id: 'cli-echo' });
      expect(created.status).toBe(201);
      const step = await json(`${url}/agents/cli-echo/observe`, key, { input: 'hello' });
      expect(((await step.json()) as { result: string }).result).toBe('Echo: HELLO');
      const list = (await (
        await fetch(`${url}/agents`, { headers: { 'x-api-key': key as string } })
      ).json()) as {
        types: string[];
      };
      expect(list.types).toContain('echo');
      const token = await fetch(`${url}/auth/token`, {
        method: 'POST',
        headers: { 'x-api-key': key as string },
      });
      expect(((await token.json()) as { roles: string[] }).roles).toEqual(['admin']);
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/admin API key \(shown once\): sk_/);
    expect(result.stderr).toContain('SKREAVER_JWT_SECRET is not set');
    expect(result.stderr).toContain('Shut down.');
  });

  it('reads a config file (JSON or TOML), then SKREAVER_* variables, then flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skreaver-serve-'));
    writeFileSync(
      join(dir, 'serve.json'),
      JSON.stringify({ port: 1, auth: { enabled: false }, limits: { maxBodyBytes: 64 } }),
    );
    const result = await withServe(
      ['--config', 'serve.json', '--port', '0'],
      async (url, key) => {
        expect(key).toBeUndefined();
        expect((await json(`${url}/agents`, undefined, { type: 'echo', id: 'e' })).status).toBe(
          201,
        );
        const big = await json(`${url}/agents/e/observe`, undefined, { input: 'x'.repeat(100) });
        expect(big.status).toBe(413);
        expect((await fetch(`${url}/openapi.json`)).status).toBe(404);
      },
      { cwd: dir, env: { SKREAVER_ENABLE_OPENAPI: 'false' } },
    );
    expect(result.code).toBe(0);
    writeFileSync(
      join(dir, 'serve.toml'),
      'port = 0\n[auth]\nenabled = false\n[limits]\nmaxAgents = 1\n',
    );
    await withServe(
      ['--config', 'serve.toml'],
      async (url) => {
        expect((await json(`${url}/agents`, undefined, { type: 'echo' })).status).toBe(201);
        expect((await json(`${url}/agents`, undefined, { type: 'echo' })).status).toBe(503);
      },
      { cwd: dir },
    );
  });

  it('keeps agent memory in the --memory backend', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skreaver-serve-'));
    await withServe(
      ['--port', '0', '--memory', 'file:./state.json'],
      async (url, key) => {
        await json(`${url}/agents`, key, { type: 'echo', id: 'kept' });
        await json(`${url}/agents/kept/observe`, key, { input: 'remember me' });
      },
      { cwd: dir },
    );
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toContain('remember me');
  });

  it('refuses bad flags, config files and settings with clear errors', async () => {
    const io = { stdout: capture().stream, stderr: capture().stream };
    await expect(serveCommand(['--port', 'eighty'], io, { env: {} })).rejects.toThrow(UsageError);
    await expect(serveCommand(['extra'], io, { env: {} })).rejects.toThrow(
      /Unexpected argument 'extra'/,
    );
    await expect(serveCommand(['--bogus'], io, { env: {} })).rejects.toMatchObject({
      code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    });
    const dir = mkdtempSync(join(tmpdir(), 'skreaver-serve-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ prot: 80 }));
    await expect(serveCommand(['--config', 'bad.json'], io, { env: {}, cwd: dir })).rejects.toThrow(
      /Unknown key in .*bad\.json: prot\. Allowed: port, host/,
    );
    writeFileSync(join(dir, 'secret.json'), JSON.stringify({ auth: { jwtSecret: 'x' } }));
    await expect(
      serveCommand(['--config', 'secret.json'], io, { env: {}, cwd: dir }),
    ).rejects.toThrow(/Unknown auth setting .*jwtSecret.*SKREAVER_JWT_SECRET/);
    writeFileSync(join(dir, 'broken.json'), '{');
    await expect(
      serveCommand(['--config', 'broken.json'], io, { env: {}, cwd: dir }),
    ).rejects.toThrow(/does not parse/);
    writeFileSync(join(dir, 'limits.json'), JSON.stringify({ limits: { maxBodyBytes: -1 } }));
    await expect(
      serveCommand(['--config', 'limits.json'], io, { env: {}, cwd: dir }),
    ).rejects.toThrow(/limits\.maxBodyBytes must be an integer/);
    await expect(
      serveCommand([], io, { env: { SKREAVER_MAX_BODY_SIZE: 'lots' } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('prints its usage with --help', async () => {
    const out = capture();
    expect(await serveCommand(['--help'], { stdout: out.stream, stderr: capture().stream })).toBe(
      0,
    );
    expect(out.text()).toBe(SERVE_USAGE);
  });

  it('exits 0 on SIGTERM as a real process', async () => {
    const script = await bundle(new URL('./fixtures/cli-child.ts', import.meta.url).pathname);
    const child = spawn(process.execPath, [script, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SKREAVER_JWT_SECRET: 'x'.repeat(40) },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    const { url, key } = JSON.parse(first) as { url: string; key: string };
    await json(`${url}/agents`, key, { type: 'echo', id: 'p' });
    const step = await json(`${url}/agents/p/observe`, key, { input: 'bye' });
    expect(((await step.json()) as { result: string }).result).toBe('Echo: BYE');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Shut down.');
    expect(stderr).not.toContain('SKREAVER_JWT_SECRET is not set');
  });
});
