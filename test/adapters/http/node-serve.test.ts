import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../_support/bundle.js';
import { startHarness } from './_harness.js';

let script: string;
beforeAll(async () => {
  script = await bundle(new URL('./fixtures/serve-child.ts', import.meta.url).pathname);
});

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  readonly lines: Record<string, unknown>[];
  /** Resolves with the first line (seen or later) matching `test`. */
  waitFor(test: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startChild(env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const waitFor = async (test: (line: Record<string, unknown>) => boolean) => {
    for (;;) {
      const found = lines.find(test);
      if (found !== undefined) return found;
      if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode}`);
      await new Promise<void>((resolve) => {
        waiters.add(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  const { url } = (await waitFor((line) => typeof line.url === 'string')) as { url: string };
  return { process: child, url, lines, waitFor, exited };
}

/** Sends raw bytes; resolves with everything the server wrote before closing (or `end()`s after `closeAfterMs`). */
function raw(url: string, text: string | Buffer, closeAfterMs = 0): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(text));
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    if (closeAfterMs > 0) setTimeout(() => socket.end(), closeAfterMs);
  });
}

const observe = (url: string, id: string, ms: number) =>
  fetch(`${url}/agents/${id}/observe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: ms }),
  });

describe('graceful shutdown', () => {
  it('on SIGTERM: stops accepting, finishes requests in flight, closes memory, exits 0', async () => {
    const child = await startChild();
    const inFlight = ['s0', 's1', 's2'].map((id) => observe(child.url, id, 400));
    for (const id of ['s0', 's1', 's2']) await child.waitFor((line) => line.started === id);
    child.process.kill('SIGTERM');
    await child.waitFor((line) => line.log === 'Shutting down.');
    const late = await fetch(`${child.url}/health`).then(
      (res) => res.status,
      (error: Error) => (error.cause as { code?: string } | undefined)?.code ?? error.message,
    );
    expect([503, 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(late);
    const answers = await Promise.all(inFlight);
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(((await (answers[0] as Response).json()) as { result: string }).result).toBe(
      'slept 400',
    );
    expect(await child.exited).toBe(0);
    expect(child.lines).toContainEqual({ closed: 'memory' });
    expect(child.lines).toContainEqual({ log: 'Shut down.' });
  });

  it('cuts requests that outlive the shutdown deadline and still exits 0', async () => {
    const child = await startChild({ SHUTDOWN_MS: '100' });
    const stuck = observe(child.url, 's3', 60_000).then(
      (res) => res.status,
      () => 'cut',
    );
    await child.waitFor((line) => line.started === 's3');
    child.process.kill('SIGTERM');
    expect(await stuck).toBe('cut');
    expect(await child.exited).toBe(0);
    expect(child.lines).toContainEqual({
      log: 'Shutdown deadline passed with requests in flight; closing them.',
    });
  });

  it('shutdown() in process: refuses new work, waits for requests in flight, closes the runtime', async () => {
    const h = await startHarness();
    await h.create('gated', 'sd');
    const busy = h.post('/agents/sd/observe', { input: 'x' }, 'agent');
    await h.gate.whenStarted(1);
    const stopping = h.server.shutdown();
    expect(h.runtime.draining).toBe(true);
    h.gate.release();
    expect((await busy).status).toBe(200);
    await stopping;
    await expect(fetch(`${h.url}/health`)).rejects.toThrow();
    await expect(h.runtime.agents.create({ type: 'echo' })).rejects.toMatchObject({
      code: 'coordinator_closed',
    });
    await h.server.shutdown();
  });

  it('shutdown() closes idle keep-alive connections, unused ones, and the busy one after its answer', async () => {
    // A keep-alive timeout far longer than the test's: connections that were
    // left open would hold shutdown (and the test) until it runs out.
    const h = await startHarness({}, { keepAliveTimeoutMs: 600_000 });
    await h.create('gated', 'ka');
    const { port, hostname } = new URL(h.url);
    const open = () =>
      new Promise<Socket>((resolve) => {
        const socket = connect(Number(port), hostname, () => resolve(socket));
      });
    const closed = (socket: Socket) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) resolve();
        else socket.once('close', () => resolve());
      });
    const request = (socket: Socket, path: string, body?: string) =>
      new Promise<string>((resolve) => {
        let text = '';
        const onData = (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (/\r\n\r\n[\s\S]*\}$/.test(text)) {
            socket.off('data', onData);
            resolve(text);
          }
        };
        socket.on('data', onData);
        const head =
          body === undefined
            ? `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`
            : `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-API-Key: ${h.key.agent}\r\n\r\n${body}`;
        socket.write(head);
      });
    const unused = await open();
    const idle = await open();
    expect(await request(idle, '/health')).toMatch(/^HTTP\/1\.1 200/);
    const busySocket = await open();
    const busy = request(busySocket, '/agents/ka/observe', '{"input":"x"}');
    await h.gate.whenStarted(1);
    const stopping = h.server.shutdown();
    await Promise.all([closed(unused), closed(idle)]);
    expect(busySocket.destroyed).toBe(false);
    h.gate.release();
    const answer = await busy;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.toLowerCase()).toContain('connection: close');
    await closed(busySocket);
    await stopping;
  });
});

describe('bad input at the connection level', () => {
  let child: Child;
  beforeAll(async () => {
    child = await startChild();
  });
  afterAll(async () => {
    child.process.kill('SIGTERM');
    await child.exited;
  });

  it('answers huge headers with 431 in the error format', async () => {
    const answer = await raw(
      child.url,
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
      error: Record<string, string>;
    };
    expect(body.error.code).toBe('headers_too_large');
    expect(answer).toContain(`X-Request-Id: ${body.error.requestId}`);
  });

  it('answers garbage and unknown methods with 400 in the error format', async () => {
    for (const text of ['GARBAGE\r\n\r\n', 'BREW /agents HTTP/1.1\r\nHost: x\r\n\r\n']) {
      const answer = await raw(child.url, text);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"code":"invalid_input"');
    }
  });

  it('answers a client too slow to send its headers with 408, then closes', async () => {
    const answer = await raw(child.url, 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"client_timeout"');
  });

  it('sheds 5,000 concurrent connections with bounded memory, and stays up', async () => {
    const before = ((await (await fetch(`${child.url}/rss`)).json()) as { rss: number }).rss;
    const { port, hostname } = new URL(child.url);
    const statuses = await Promise.all(
      Array.from({ length: 5000 }, (_, i) => {
        const body = JSON.stringify({ input: 20 });
        const request =
          `POST /agents/s${i % 8}/observe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
        return new Promise<string>((resolve) => {
          let answer = '';
          const socket = connect(Number(port), hostname, () => socket.write(request));
          socket.setEncoding('utf8');
          socket.on('data', (chunk) => {
            answer += chunk;
          });
          socket.on('error', () => resolve('shed'));
          socket.on('close', () => resolve(answer === '' ? 'shed' : answer));
        });
      }),
    );
    const tally: Record<string, number> = {};
    for (const answer of statuses) {
      const status = answer === 'shed' ? 'shed' : (answer.slice(9, 12) as string);
      tally[status] = (tally[status] ?? 0) + 1;
      if (status !== 'shed' && status !== '200') {
        const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
          error: { code: string };
        };
        // Overloaded, a full queue, or (headersTimeoutMs is short here) a
        // connection whose headers waited too long in the backlog.
        expect(['agent_busy', 'resource_exhausted', 'client_timeout']).toContain(body.error.code);
      }
    }
    expect(
      Object.keys(tally).every((status) => ['200', '408', '429', '503', 'shed'].includes(status)),
    ).toBe(true);
    expect(tally['200']).toBeGreaterThan(0);
    expect((tally['429'] ?? 0) + (tally['503'] ?? 0)).toBeGreaterThan(0);
    const health = await fetch(`${child.url}/health`);
    expect(health.status).toBe(200);
    const after = ((await (await fetch(`${child.url}/rss`)).json()) as { rss: number }).rss;
    expect(after - before).toBeLessThan(256 * 1024 * 1024);
  });
});
