import fc from 'fast-check';
import { createHttpRuntime, parseEnvValue } from 'skreaver/http';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseEncoding } from '../adapters/http/_compress.js';
import { TokenBuckets } from '../adapters/http/_token-buckets.js';
import { echoAgent, uppercaseTool } from '../test/adapters/http/_harness.js';

describe('parseEnvValue', () => {
  it('reads every integer in range back, and names the variable for anything else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
        expect(
          parseEnvValue('SKREAVER_X', ` ${n} `, { kind: 'int', min: 0, max: 1_000_000 }),
        ).toEqual({ ok: true, value: n });
        expect(
          parseEnvValue('SKREAVER_X', String(n), { kind: 'seconds', min: 0, max: 1_000_000 }),
        ).toEqual({
          ok: true,
          value: n * 1000,
        });
      }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\s*\d+\s*$/.test(s)),
        (text) => {
          const parsed = parseEnvValue('SKREAVER_X', text, { kind: 'int' });
          expect(parsed.ok).toBe(false);
          if (!parsed.ok) expect(parsed.problem).toContain("'SKREAVER_X'");
        },
      ),
    );
  });

  it('reads booleans in any letter case, and nothing else', () => {
    const words = fc.constantFrom('true', '1', 'yes', 'on', 'false', '0', 'no', 'off');
    fc.assert(
      fc.property(words, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), (word, upper) => {
        const mixed = [...word].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
        const parsed = parseEnvValue('B', mixed, { kind: 'bool' });
        expect(parsed).toEqual({ ok: true, value: ['true', '1', 'yes', 'on'].includes(word) });
      }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\s*(true|1|yes|on|false|0|no|off)\s*$/i.test(s)),
        (text) => {
          expect(parseEnvValue('B', text, { kind: 'bool' }).ok).toBe(false);
        },
      ),
    );
  });
});

describe('TokenBuckets', () => {
  it('never grants more than the burst plus what the elapsed time refilled', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 200 }),
        (perMinute, burst, gaps) => {
          let time = 0;
          const buckets = new TokenBuckets(perMinute, burst, 10, () => time);
          let granted = 0;
          for (const gap of gaps) {
            time += gap;
            const wait = buckets.take('k');
            expect(wait).toBeGreaterThanOrEqual(0);
            if (wait > 0) {
              // Waiting as long as it said makes the next take succeed.
              time += wait;
              expect(buckets.take('k')).toBe(0);
            }
            granted++;
          }
          expect(granted).toBeLessThanOrEqual(burst + (time * perMinute) / 60_000 + 1e-9);
        },
      ),
    );
  });

  it('keeps at most maxKeys buckets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 20 }),
        (keys, max) => {
          const buckets = new TokenBuckets(60, 5, max, () => 0);
          for (const key of keys) buckets.take(key);
          expect(buckets.size).toBeLessThanOrEqual(max);
        },
      ),
    );
  });
});

describe('chooseEncoding', () => {
  it('picks gzip or deflate only when the client accepts them', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const chosen = chooseEncoding(header);
        expect([undefined, 'gzip', 'deflate']).toContain(chosen);
        if (chosen === 'gzip') expect(header.toLowerCase()).toMatch(/gzip/);
        if (chosen === 'deflate') expect(header.toLowerCase()).toContain('deflate');
      }),
    );
    expect(chooseEncoding('gzip;q=0, deflate')).toBe('deflate');
    expect(chooseEncoding('br, gzip;q=0.5, deflate;q=0.8')).toBe('deflate');
    expect(chooseEncoding(null)).toBeUndefined();
  });
});

describe('request handling never fails with 500 on bad input', () => {
  const runtime = createHttpRuntime({
    agentTypes: { echo: { create: () => echoAgent(), tools: [uppercaseTool()] } },
    auth: false,
    rateLimit: false,
    limits: { maxBodyBytes: 4096 },
  });
  afterAll(() => runtime.close());
  const ready = runtime.agents.create({ type: 'echo', id: 'fuzz' });

  const send = (path: string, body: string, type = 'application/json') =>
    runtime.fetch(
      new Request(`http://local${path}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      }),
    );

  it('answers any body in the error format or with a result', async () => {
    await ready;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json({ maxDepth: 4 }),
          fc.json().map((input) => `{"input":${input}}`),
        ),
        fc.constantFrom('/agents/fuzz/observe', '/agents/fuzz/batch', '/agents'),
        async (body, path) => {
          const res = await send(path, body);
          expect(res.status).not.toBe(500);
          expect(res.headers.get('x-request-id')).toBeTruthy();
          if (res.status >= 400) {
            const parsed = (await res.json()) as { error: { code: string } };
            expect(typeof parsed.error.code).toBe('string');
          } else {
            await res.arrayBuffer();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers any agent id in the path with 400, 404 or a result', async () => {
    await ready;
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 140 }), async (id) => {
        const res = await runtime.fetch(
          new Request(`http://local/agents/${encodeURIComponent(id)}/status`),
        );
        expect([200, 400, 404]).toContain(res.status);
        await res.arrayBuffer();
      }),
      { numRuns: 150 },
    );
  });
});
