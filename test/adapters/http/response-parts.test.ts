import { describe, expect, it } from 'vitest';
import type { HttpContext } from '../../../adapters/http/_context.js';
import { requestIds } from '../../../adapters/http/_request-id.js';
import { bodyUnder } from '../../../adapters/http/problem.js';

const withBody = (text: string | undefined) =>
  ({ get: (key: string) => (key === 'bodyText' ? text : undefined) }) as unknown as HttpContext;

describe('bodyUnder (the compression threshold test)', () => {
  it('counts UTF-8 bytes, not UTF-16 units', () => {
    // 10 units, 30 bytes: under 31 bytes, not under 30.
    const text = '€'.repeat(10);
    expect(bodyUnder(withBody(text), 31)).toBe(true);
    expect(bodyUnder(withBody(text), 30)).toBe(false);
    expect(bodyUnder(withBody('x'.repeat(10)), 11)).toBe(true);
    expect(bodyUnder(withBody('x'.repeat(10)), 10)).toBe(false);
  });

  it('knows nothing of responses the runtime did not build', () => {
    expect(bodyUnder(withBody(undefined), 10)).toBeUndefined();
  });
});

describe('requestIds', () => {
  it('makes unique ids shaped like a version 4 UUID', () => {
    const next = requestIds();
    const ids = Array.from({ length: 1000 }, () => next());
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('gives each runtime its own random prefix', () => {
    expect(requestIds()().slice(0, 24)).not.toBe(requestIds()().slice(0, 24));
  });
});

describe('HttpProblem and the status table', () => {
  it('is a SkreaverError whose http codes are the core http family', async () => {
    const { ERROR_CODES, isSkreaverError, SkreaverError } = await import('skreaver');
    const { HTTP_ERROR_STATUS, HTTP_ONLY_ERROR_CODES, HttpProblem } = await import('skreaver/http');
    const problem = new HttpProblem('rate_limited', 'Slow down.', {
      details: { limit: 1 },
      headers: { 'Retry-After': '1' },
    });
    expect(isSkreaverError(problem)).toBe(true);
    expect(problem).toBeInstanceOf(SkreaverError);
    expect(problem.status).toBe(429);
    expect(problem.toJSON()).toEqual({
      name: 'HttpProblem',
      code: 'rate_limited',
      message: 'Slow down.',
      data: { limit: 1 },
    });
    expect(HTTP_ONLY_ERROR_CODES).toEqual(ERROR_CODES.http);
    // Every code has a status, and the table has nothing else.
    expect(Object.keys(HTTP_ERROR_STATUS).sort()).toEqual(Object.values(ERROR_CODES).flat().sort());
  });
});
