import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { inMemoryMemory, type Memory } from 'skreaver';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliOptions, main } from '../../cli/main.js';
import { type AdapterLoader, openMemory, parseMemoryUrl, redactUrl } from '../../cli/memory-url.js';

function capture(options: { highWaterMark?: number; delay?: boolean } = {}) {
  let text = '';
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      if (options.delay) setImmediate(done);
      else done();
    },
  });
  return { stream, text: () => text };
}

async function runCli(
  argv: string[],
  stdinText = '',
  options: CliOptions = {},
  stdout = capture(),
) {
  const err = capture();
  const code = await main(
    argv,
    { stdin: Readable.from([stdinText]), stdout: stdout.stream, stderr: err.stream },
    options,
  );
  return { code, stdout: stdout.text(), stderr: err.text() };
}

/**
 * A stand-in for `skreaver/memory/file`: one in-memory memory per path that
 * outlives `close()`, like a file does, so the CLI's plumbing is tested
 * without the real adapter.
 */
function fakeFiles() {
  const files = new Map<string, Memory>();
  const opened: string[] = [];
  let closed = 0;
  const load = (async () => ({
    fileMemory: async ({ path }: { path: string }) => {
      opened.push(path);
      let memory = files.get(path);
      if (memory === undefined) {
        memory = inMemoryMemory();
        files.set(path, memory);
      }
      return { ...memory, close: async () => void closed++ };
    },
  })) as unknown as AdapterLoader;
  return { files, opened, load, closed: () => closed, cwd: '/data' };
}

const dump = '{"key":"a","value":"1"}\n{"key":"b:c","value":"two\\nlines"}\n';
/** An entry that expires in 2100. */
const EXPIRES_AT = 4102444800000;
const expiring = `{"key":"later","value":"x","expiresAt":${EXPIRES_AT}}\n`;

/**
 * The expiry an export shows after an import: the Memory contract takes
 * relative TTLs, so it can only move later (by the time between the
 * import's clock reading and the backend's), never earlier.
 */
function expiryOf(ndjson: string, key: string): number {
  const line = ndjson
    .split('\n')
    .filter(Boolean)
    .map((text) => JSON.parse(text) as { key: string; expiresAt?: number })
    .find((entry) => entry.key === key);
  return line?.expiresAt ?? Number.NaN;
}

describe('parseMemoryUrl', () => {
  it('reads every accepted form', () => {
    expect(parseMemoryUrl('memory:')).toEqual({ kind: 'memory' });
    expect(parseMemoryUrl('file:./state.json', '/srv')).toEqual({
      kind: 'file',
      path: '/srv/state.json',
    });
    expect(parseMemoryUrl('file:state.json', '/srv')).toEqual({
      kind: 'file',
      path: '/srv/state.json',
    });
    expect(parseMemoryUrl('file:/abs/s.json', '/srv')).toEqual({
      kind: 'file',
      path: '/abs/s.json',
    });
    expect(parseMemoryUrl('file:///abs/my%20s.json')).toEqual({
      kind: 'file',
      path: '/abs/my s.json',
    });
    expect(parseMemoryUrl('sqlite:./state.db', '/srv')).toEqual({
      kind: 'sqlite',
      path: '/srv/state.db',
    });
    expect(parseMemoryUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseMemoryUrl('SQLITE:/x.db?namespace=bot')).toEqual({
      kind: 'sqlite',
      path: '/x.db',
      namespace: 'bot',
    });
    expect(parseMemoryUrl('postgres://u:pw@db:5432/app?namespace=bot&sslmode=require')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://u:pw@db:5432/app?sslmode=require',
      namespace: 'bot',
    });
    expect(parseMemoryUrl('postgresql://u@db/app')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://u@db/app',
    });
    expect(parseMemoryUrl('redis://cache:6379/2?prefix=app')).toEqual({
      kind: 'redis',
      url: 'redis://cache:6379/2',
      prefix: 'app',
    });
    expect(parseMemoryUrl('rediss://cache:6380/0')).toEqual({
      kind: 'redis',
      url: 'rediss://cache:6380/0',
    });
  });

  it.each([
    ['', 'it has no scheme'],
    ['./state.json', 'it has no scheme'],
    ['memory:x', "write just 'memory:'"],
    ['file:', 'the path is empty'],
    ['sqlite:?namespace=a', 'the path is empty'],
    ['file://remote-host/x.json', 'host'],
    ['sqlite:./s.db?prefix=a', "unknown parameter 'prefix'"],
    ['sqlite:./s.db?namespace=', 'namespace is empty'],
    ['postgres:db', 'expected postgres://host'],
    ['postgres://db/app?namespace=', 'namespace is empty'],
    ['redis://[bad', 'does not parse as a URL'],
    ['ftp://host/x', "unknown scheme 'ftp:'"],
  ])('refuses %j (%s) and lists the accepted forms', (url, why) => {
    expect(() => parseMemoryUrl(url, '/srv')).toThrow(why);
    expect(() => parseMemoryUrl(url, '/srv')).toThrow('Accepted forms:\n  memory:');
  });

  it('hides passwords in messages', () => {
    expect(redactUrl('postgres://u:secret@db/app')).toBe('postgres://u:***@db/app');
    expect(redactUrl('redis://:secret@cache')).toBe('redis://:***@cache');
    expect(redactUrl('redis://cache/0')).toBe('redis://cache/0');
    expect(() => parseMemoryUrl('postgres://u:secret@db/app?namespace=')).toThrow(
      "Bad memory URL 'postgres://u:***@db/app?namespace='",
    );
  });
});

describe('openMemory', () => {
  it('hands each adapter its options', async () => {
    const calls: unknown[] = [];
    const fake = (name: string) => async (options: unknown) => {
      calls.push([name, options]);
      return inMemoryMemory();
    };
    const load = (async () => ({
      fileMemory: fake('file'),
      sqliteMemory: fake('sqlite'),
      postgresMemory: fake('postgres'),
      redisMemory: fake('redis'),
    })) as unknown as AdapterLoader;
    for (const url of [
      'file:s.json',
      'sqlite:s.db',
      'sqlite:s.db?namespace=n',
      'postgres://h/d',
      'postgres://h/d?namespace=n',
      'redis://h',
      'redis://h?prefix=p',
    ]) {
      await openMemory(url, { load, cwd: '/w' });
    }
    expect(calls).toEqual([
      ['file', { path: '/w/s.json' }],
      ['sqlite', { path: '/w/s.db' }],
      ['sqlite', { path: '/w/s.db', namespace: 'n' }],
      ['postgres', { connectionString: 'postgres://h/d' }],
      ['postgres', { connectionString: 'postgres://h/d', namespace: 'n' }],
      ['redis', { url: 'redis://h' }],
      ['redis', { url: 'redis://h', prefix: 'p' }],
    ]);
    expect((await openMemory('memory:')).capabilities.transactions).toBe(true);
  });

  it('names the package to install when an optional peer is missing', async () => {
    const missing = (name: string) =>
      (async () => {
        throw Object.assign(new Error(`Cannot find package '${name}' imported from /x.js`), {
          code: 'ERR_MODULE_NOT_FOUND',
        });
      }) as unknown as AdapterLoader;
    await expect(openMemory('redis://h', { load: missing('ioredis') })).rejects.toThrow(
      "Memory URLs starting with redis: need the optional package 'ioredis', which is not installed; install it next to skreaver (npm install ioredis).",
    );
    await expect(openMemory('sqlite:x.db', { load: missing('better-sqlite3') })).rejects.toThrow(
      'npm install better-sqlite3',
    );
    // Something else missing is not blamed on the peer.
    await expect(openMemory('postgres://h/d', { load: missing('other') })).rejects.toThrow(
      "Cannot find package 'other'",
    );
    const cjs = (async () => {
      throw Object.assign(new Error('Cannot find module "pg"'), { code: 'MODULE_NOT_FOUND' });
    }) as unknown as AdapterLoader;
    await expect(openMemory('postgres://h/d', { load: cjs })).rejects.toThrow('npm install pg');
    const broken = (async () => {
      throw new SyntaxError('bad module');
    }) as unknown as AdapterLoader;
    await expect(openMemory('file:x', { load: broken })).rejects.toThrow(SyntaxError);
  });

  it('exits 1 with that message from the CLI', async () => {
    const load = (async () => {
      throw Object.assign(new Error("Cannot find package 'ioredis'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    }) as unknown as AdapterLoader;
    const r = await runCli(['memory', 'export', 'redis://localhost:6379/0'], '', { load });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("need the optional package 'ioredis'");
  });
});

describe('skreaver memory export and import', () => {
  it('imports NDJSON from stdin and exports it again, byte for byte', async () => {
    const fs = fakeFiles();
    const imported = await runCli(['memory', 'import', 'file:./a.json'], dump, fs);
    expect(imported).toEqual({ code: 0, stdout: '', stderr: 'imported 2 entries\n' });
    expect(fs.opened).toEqual(['/data/a.json']);
    const exported = await runCli(['memory', 'export', 'file:./a.json'], '', fs);
    expect(exported).toEqual({ code: 0, stdout: dump, stderr: '' });
    expect(fs.closed()).toBe(2);
  });

  it('keeps expiry times across an import', async () => {
    const fs = fakeFiles();
    await runCli(['memory', 'import', 'file:./a.json'], expiring, fs);
    const exported = await runCli(['memory', 'export', 'file:./a.json'], '', fs);
    expect(expiryOf(exported.stdout, 'later')).toBeGreaterThanOrEqual(EXPIRES_AT);
  });

  it('moves data between two memories through a pipe', async () => {
    const fs = fakeFiles();
    await runCli(['memory', 'import', 'file:/a.json'], dump, fs);
    const out = await runCli(['memory', 'export', 'file:/a.json'], '', fs);
    const into = await runCli(['memory', 'import', 'file:/b.json', '--atomic'], out.stdout, fs);
    expect(into.stderr).toBe('imported 2 entries\n');
    expect((await runCli(['memory', 'export', 'file:/b.json'], '', fs)).stdout).toBe(dump);
  });

  it('uses memory: as an empty, throwaway memory', async () => {
    expect(await runCli(['memory', 'export', 'memory:'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const r = await runCli(['memory', 'import', 'memory:'], '{"key":"a","value":"1"}');
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'imported 1 entry\n' });
  });

  it('reports skipped expired lines', async () => {
    const r = await runCli(
      ['memory', 'import', 'memory:'],
      '{"key":"a","value":"1","expiresAt":1}\n',
    );
    expect(r.stderr).toBe(
      'imported 0 entries\nskipped 1 expired entry (their expiresAt had passed)\n',
    );
  });

  it('exits 1 with the line and code for bad input, keeping earlier batches unless --atomic', async () => {
    const fs = fakeFiles();
    const bad = '{"key":"a","value":"1"}\n{"key":"b"}\n';
    const r = await runCli(['memory', 'import', 'file:/a.json'], bad, fs);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NDJSON line 2 needs a string "value", got undefined.');
    expect(r.stderr).toContain('[invalid_input]');
    const atomic = await runCli(['memory', 'import', 'file:/b.json', '--atomic'], bad, fs);
    expect(atomic.stderr).toContain('Nothing was imported (atomic import).');
    expect(await fs.files.get('/b.json')?.keys()).toEqual([]);
    expect(fs.closed()).toBe(2);
  });

  it('stores expiring lines permanently with --ignore-expiry on a memory without TTLs', async () => {
    const inner = inMemoryMemory();
    const noTtl: Memory = {
      ...inner,
      capabilities: { ...inner.capabilities, ttl: false },
      close: async () => {},
    };
    const load = (async () => ({ fileMemory: async () => noTtl })) as unknown as AdapterLoader;
    const refused = await runCli(['memory', 'import', 'file:x'], expiring, { load });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[memory_unsupported]');
    const r = await runCli(['memory', 'import', 'file:x', '--ignore-expiry'], expiring, { load });
    expect(r.stderr).toBe('imported 1 entry\n');
    expect(await inner.keys()).toEqual(['later']);
  });

  it('waits for a slow stdout to drain on a large export', async () => {
    const fs = fakeFiles();
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ key: `k${String(i).padStart(4, '0')}`, value: 'v'.repeat(50) }),
    );
    const text = `${lines.join('\n')}\n`;
    await runCli(['memory', 'import', 'file:/big.json'], text, fs);
    const slow = capture({ highWaterMark: 1024, delay: true });
    const r = await runCli(['memory', 'export', 'file:/big.json'], '', fs, slow);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(text);
  });

  it('exits 1 when stdout fails, and still closes the memory', async () => {
    const fs = fakeFiles();
    await runCli(['memory', 'import', 'file:/a.json'], dump, fs);
    const failing = {
      stream: new Writable({
        highWaterMark: 1,
        write(_chunk, _encoding, done) {
          done(new Error('EPIPE: broken pipe'));
        },
      }),
      text: () => '',
    };
    const r = await runCli(['memory', 'export', 'file:/a.json'], '', fs, failing);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('EPIPE: broken pipe');
    expect(fs.closed()).toBe(2);
  });

  it('reports a failing close after success, and the first error after a failure', async () => {
    const closeFails = (storeFails: boolean) =>
      (async () => ({
        fileMemory: async () => ({
          ...inMemoryMemory(),
          ...(storeFails ? { storeMany: async () => Promise.reject(new Error('disk full')) } : {}),
          close: async () => Promise.reject(new Error('close failed')),
        }),
      })) as unknown as AdapterLoader;
    const ok = await runCli(['memory', 'import', 'file:x'], dump, { load: closeFails(false) });
    expect(ok.code).toBe(1);
    expect(ok.stderr).toContain('close failed');
    const failed = await runCli(['memory', 'import', 'file:x'], dump, { load: closeFails(true) });
    expect(failed.stderr).toContain('disk full');
    expect(failed.stderr).not.toContain('close failed');
  });

  it('refuses to wait on a terminal for import input', async () => {
    const stdin = Object.assign(Readable.from(['']), { isTTY: true });
    const err = capture();
    const code = await main(['memory', 'import', 'memory:'], {
      stdin,
      stdout: capture().stream,
      stderr: err.stream,
    });
    expect(code).toBe(2);
    expect(err.text()).toContain('memory import reads NDJSON from stdin; pipe it in');
  });

  it('exits 2 for bad URLs and usage mistakes', async () => {
    const bad = await runCli(['memory', 'export', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Bad memory URL 'nope': it has no scheme. Accepted forms:");
    expect(bad.stderr).toContain('redis://host:port/db[?prefix=PREFIX]');
    const scheme = await runCli(['memory', 'import', 'mongodb://h/db']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain("unknown scheme 'mongodb:'");
    const cases: [string[], string][] = [
      [['memory'], 'memory needs a subcommand'],
      [['memory', 'wipe', 'memory:'], "Unknown memory subcommand 'wipe'"],
      [['memory', 'export'], 'memory export needs a memory URL'],
      [['memory', 'export', 'memory:', 'extra'], "Unexpected argument 'extra'"],
      [
        ['memory', 'export', 'memory:', '--atomic'],
        "Option '--atomic' does not apply to `memory export`.",
      ],
      [['memory', 'import', 'memory:', '--memory', 'x'], "Option '--memory' does not apply"],
      [['run', 'echo', '--atomic'], "Option '--atomic' does not apply to `run`."],
      [['run', 'echo', '--memory', 'ftp://x'], "unknown scheme 'ftp:'"],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('lists the memory commands and URL forms in --help', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toContain('skreaver memory export <URL>');
    expect(help.stdout).toContain('skreaver memory import <URL> [--atomic]');
    expect(help.stdout).toContain('[--memory URL]');
    expect(help.stdout).toContain('sqlite:./state.db[?namespace=NAME]');
  });
});

describe('skreaver run --memory', () => {
  it("keeps the echo agent's input under echo:input in that memory", async () => {
    const fs = fakeFiles();
    const run = await runCli(['run', 'echo', '--memory', 'file:./s.json'], 'hello\n', fs);
    expect(run).toEqual({ code: 0, stdout: 'Agent said: Echo: HELLO\n', stderr: '' });
    expect(fs.closed()).toBe(1);
    const out = await runCli(['memory', 'export', 'file:./s.json'], '', fs);
    expect(out.stdout).toBe('{"key":"echo:input","value":"hello"}\n');
  });

  it('closes the memory when a step fails', async () => {
    const fs = fakeFiles();
    const inner = inMemoryMemory();
    let closed = false;
    const load = (async () => ({
      fileMemory: async () => ({
        ...inner,
        store: async () => Promise.reject(new Error('disk full')),
        close: async () => {
          closed = true;
        },
      }),
    })) as unknown as AdapterLoader;
    const r = await runCli(['run', 'echo', '--memory', 'file:x', '--input', 'hi'], '', {
      ...fs,
      load,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('disk full');
    expect(closed).toBe(true);
  });
});

// These use the real `skreaver/memory/file` adapter.
describe('with the real file memory', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const temp = () => {
    dir = mkdtempSync(join(tmpdir(), 'skreaver-cli-'));
    return dir;
  };

  it('round-trips export -> import between two files', async () => {
    const cwd = temp();
    const seeded = await runCli(['memory', 'import', 'file:./a.json'], dump, { cwd });
    expect(seeded).toEqual({ code: 0, stdout: '', stderr: 'imported 2 entries\n' });
    const a = await runCli(['memory', 'export', 'file:./a.json'], '', { cwd });
    expect(a).toEqual({ code: 0, stdout: dump, stderr: '' });
    const b = await runCli(['memory', 'import', `file:${join(cwd, 'b.json')}`], a.stdout, { cwd });
    expect(b.code).toBe(0);
    expect((await runCli(['memory', 'export', 'file:./b.json'], '', { cwd })).stdout).toBe(dump);
  });

  it('keeps expiry times in a file', async () => {
    const cwd = temp();
    await runCli(['memory', 'import', 'file:./a.json', '--atomic'], expiring, { cwd });
    const a = await runCli(['memory', 'export', 'file:./a.json'], '', { cwd });
    expect(expiryOf(a.stdout, 'later')).toBeGreaterThanOrEqual(EXPIRES_AT);
  });

  it('keeps run echo --memory state in the file, visible to memory export', async () => {
    const cwd = temp();
    const run = await runCli(['run', 'echo', '--memory', 'file:./state.json'], 'first\nsecond\n', {
      cwd,
    });
    expect(run.stdout).toBe('Agent said: Echo: FIRST\nAgent said: Echo: SECOND\n');
    const out = await runCli(['memory', 'export', 'file:./state.json'], '', { cwd });
    expect(out.stdout).toBe('{"key":"echo:input","value":"second"}\n');
  });
});
