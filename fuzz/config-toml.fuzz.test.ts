import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { locateKeys } from '../adapters/config/toml/_locate.js';
import { parsePolicyToml } from '../adapters/config/toml/index.js';
import { SkreaverError } from '../src/errors/skreaver-error.js';
import { parsePolicy } from '../src/security/policy/index.js';

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Converts every object key to snake_case, as a TOML author would write it. */
function toSnake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnake);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), toSnake(v)]));
}

const toolName = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const policyInput = fc.record(
  {
    fs: fc.record(
      {
        enabled: fc.boolean(),
        allowPaths: fc.array(fc.stringMatching(/^\/[a-z]{1,6}(\/[a-z]{1,6}){0,2}$/), {
          maxLength: 3,
        }),
        maxFileSize: fc.integer({ min: 1, max: 1024 ** 3 }),
        followSymlinks: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    http: fc.record(
      {
        enabled: fc.boolean(),
        allowDomains: fc.array(fc.constantFrom('*', '*.example.com', 'api.example.org'), {
          maxLength: 3,
        }),
        allowMethods: fc.array(fc.constantFrom('GET', 'POST'), { maxLength: 2 }),
        timeoutMs: fc.integer({ min: 1, max: 86_400_000 }),
        userAgent: fc.stringMatching(/^[a-z]{1,8}\/[0-9]$/),
      },
      { requiredKeys: [] },
    ),
    resources: fc.record(
      {
        maxConcurrent: fc.integer({ min: 1, max: 1000 }),
        maxInputBytes: fc.integer({ min: 1, max: 1 << 20 }),
      },
      { requiredKeys: [] },
    ),
    audit: fc.record(
      {
        level: fc.constantFrom('debug', 'info', 'warning', 'error', 'critical'),
        logAllowed: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    secrets: fc.record(
      {
        onInput: fc.constantFrom('reject', 'redact', 'allow'),
        extraPatterns: fc.constantFrom([], ['ACME-[0-9]{4}']),
      },
      { requiredKeys: [] },
    ),
    emergency: fc.record(
      { lockdown: fc.boolean(), allowedTools: fc.array(toolName, { maxLength: 2 }) },
      { requiredKeys: [] },
    ),
    tools: fc.dictionary(
      toolName,
      fc.record(
        {
          enabled: fc.boolean(),
          http: fc.record({ timeoutMs: fc.integer({ min: 1, max: 1000 }) }),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: [] },
);

/** TOML-looking text: sections, keys, values and junk. */
const tomlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '[fs]',
        '[http]',
        '[tools.x]',
        '[metadata]',
        '[[a]]',
        '[',
        'access = { Enabled = {} }',
        'access = "Disabled"',
      ),
      fc
        .tuple(
          fc.constantFrom('enabled', 'allow_paths', 'timeout', 'allowDomains', 'x', '"q k"', 'a.b'),
          fc.constantFrom(
            'true',
            '1',
            '"s"',
            '[1, "a"]',
            '{ a = 1 }',
            '1979-05-27',
            '"""m\nl"""',
            '',
            '[',
          ),
        )
        .map(([k, v]) => `${k} = ${v}`),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join('\n'));

describe('parsePolicyToml (property)', () => {
  it('never throws anything but a SkreaverError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), tomlish), (text) => {
        try {
          const { policy, warnings } = parsePolicyToml(text);
          expect(Object.isFrozen(policy)).toBe(true);
          expect(Array.isArray(warnings)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(SkreaverError);
          expect((error as SkreaverError).code).toBe('policy_invalid');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any valid policy written in snake_case TOML', () => {
    fc.assert(
      fc.property(policyInput, (input) => {
        const text = stringify(toSnake(input) as Record<string, unknown>);
        expect(parsePolicyToml(text).policy).toEqual(parsePolicy(input));
      }),
      { numRuns: 300 },
    );
  });

  it('locates keys of any parsable document without looping', () => {
    fc.assert(
      fc.property(fc.oneof(tomlish, fc.string({ maxLength: 100 })), (text) => {
        const found = locateKeys(text);
        for (const location of found.values()) {
          expect(location.line).toBeGreaterThanOrEqual(1);
          expect(location.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
