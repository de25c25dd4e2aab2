import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecurityError } from '../src/errors/families.js';
import {
  exactJsonByteLength,
  jsonByteLength,
  UNMEASURABLE,
} from '../src/security/guard/_json-size.js';
import { wildcardMatch } from '../src/security/guard/_tool-set.js';
import { domainPattern, hasNestedQuantifier } from '../src/security/policy/_rules.js';
import {
  DEFAULT_POLICY,
  type PolicyInvalidData,
  parsePolicy,
  policyForTool,
  type SecurityPolicy,
  validatePolicy,
} from '../src/security/policy/index.js';

/** Values a policy field might wrongly hold. */
const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom<unknown>(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    0,
    1.5,
    2 ** 53,
    '',
    'GET',
    '*',
    '/abs',
    '..',
    null,
  ),
);

/** Valid values for a few fields, to build policies that are partly right. */
const toolName = fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/);
const validSections = fc.record(
  {
    fs: fc.record(
      {
        enabled: fc.boolean(),
        allowPaths: fc.array(fc.stringMatching(/^\/[a-z]{1,8}(\/[a-z]{1,8}){0,2}$/), {
          maxLength: 3,
        }),
        maxFileSize: fc.integer({ min: 1, max: 1024 ** 3 }),
      },
      { requiredKeys: [] },
    ),
    http: fc.record(
      {
        enabled: fc.boolean(),
        allowDomains: fc.array(
          fc.constantFrom('*', '*.example.com', 'api.example.org', '192.0.2.7'),
          { maxLength: 3 },
        ),
        allowMethods: fc.array(fc.constantFrom('GET', 'POST', 'DELETE'), { maxLength: 3 }),
        maxRedirects: fc.integer({ min: 0, max: 20 }),
        timeoutMs: fc.integer({ min: 1, max: 86_400_000 }),
      },
      { requiredKeys: [] },
    ),
    network: fc.record(
      { enabled: fc.boolean(), denyPorts: fc.array(fc.integer({ min: 1, max: 65_535 })) },
      { requiredKeys: [] },
    ),
    resources: fc.record(
      {
        maxInputBytes: fc.integer({ min: 1, max: 1024 ** 3 }),
        maxConcurrent: fc.integer({ min: 1, max: 100_000 }),
      },
      { requiredKeys: [] },
    ),
    secrets: fc.record(
      { onInput: fc.constantFrom('reject', 'redact', 'allow') },
      { requiredKeys: [] },
    ),
    emergency: fc.record(
      { lockdown: fc.boolean(), allowedTools: fc.array(toolName, { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    tools: fc.dictionary(
      toolName,
      fc.record(
        {
          enabled: fc.boolean(),
          fs: fc.record({ enabled: fc.boolean() }, { requiredKeys: [] }),
          http: fc.record(
            { enabled: fc.boolean(), timeoutMs: fc.integer({ min: 1, max: 1000 }) },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: [] },
);

function checkOutcome(input: unknown): SecurityPolicy | undefined {
  const result = validatePolicy(input);
  if (result.ok) return result.value;
  expect(result.error).toBeInstanceOf(SecurityError);
  expect(result.error.code).toBe('policy_invalid');
  const data = result.error.data as PolicyInvalidData;
  expect(data.problems.length).toBeGreaterThan(0);
  for (const problem of data.problems) {
    expect(typeof problem.path).toBe('string');
    expect(problem.message.length).toBeGreaterThan(0);
  }
  return undefined;
}

describe('validatePolicy (property)', () => {
  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 })),
        (input) => {
          checkOutcome(input);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accepts well-formed policies, fills defaults, and is idempotent', () => {
    fc.assert(
      fc.property(validSections, (input) => {
        const policy = checkOutcome(input);
        expect(policy).toBeDefined();
        if (policy === undefined) return;
        expect(Object.isFrozen(policy) && Object.isFrozen(policy.http.allowDomains)).toBe(true);
        expect(Object.keys(policy).sort()).toEqual(Object.keys(DEFAULT_POLICY).sort());
        expect(parsePolicy(policy)).toEqual(policy);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a problem at (or under) the field that was broken', () => {
    const field = fc.constantFrom(
      ['fs', 'enabled'],
      ['fs', 'allowPaths'],
      ['fs', 'maxFileSize'],
      ['http', 'allowDomains'],
      ['http', 'maxRedirects'],
      ['network', 'denyPorts'],
      ['resources', 'timeoutMs'],
      ['audit', 'level'],
      ['secrets', 'extraPatterns'],
      ['emergency', 'allowedTools'],
    );
    fc.assert(
      fc.property(validSections, field, junk, (input, [section, key], value) => {
        const broken = {
          ...input,
          [section]: { ...(input as Record<string, object>)[section], [key]: value },
        };
        const result = validatePolicy(broken);
        if (result.ok) return; // the junk happened to be valid for the field
        const paths = result.error.data?.problems.map((p) => p.path) ?? [];
        expect(
          paths.some((p) => p === `${section}.${key}` || p.startsWith(`${section}.${key}[`)),
        ).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('per-tool overrides only ever narrow the enabled flags', () => {
    fc.assert(
      fc.property(validSections, toolName, (input, name) => {
        const policy = checkOutcome(input);
        if (policy === undefined) return;
        const effective = policyForTool(policy, name);
        for (const section of ['fs', 'http', 'network'] as const) {
          if (effective[section].enabled) expect(policy[section].enabled).toBe(true);
        }
        expect(policyForTool(policy, name)).toBe(effective);
      }),
      { numRuns: 300 },
    );
  });
});

describe('policy rules (property)', () => {
  it('domain patterns: never throw; accepted ones have * only as a whole first label', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^[*a-zA-Z0-9.:[\]-]{0,20}$/)),
        (pattern) => {
          const problem = domainPattern(pattern);
          if (problem === undefined && pattern !== '*') {
            expect(pattern.replace(/^\*\./, '').includes('*')).toBe(false);
            expect(pattern).toBe(pattern.toLowerCase());
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the nested-quantifier check never throws and catches (x+)+ shapes', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.stringMatching(/^[a-z]{1,4}$/),
        fc.constantFrom('*', '+', '{2,}'),
        (text, atom, q) => {
          hasNestedQuantifier(text);
          expect(hasNestedQuantifier(`(${atom}${q})${q}`)).toBe(true);
          expect(hasNestedQuantifier(`(?:${atom})${q}`)).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('the wildcard matcher agrees with an anchored regex', () => {
    const toRegex = (glob: string) =>
      new RegExp(
        `^${glob
          .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        's',
      );
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ab*?]{0,8}$/),
        fc.stringMatching(/^[ab]{0,10}$/),
        (glob, name) => {
          expect(wildcardMatch(glob, name)).toBe(toRegex(glob).test(name));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('JSON sizes: exact length of JSON.stringify, and the limit check is right on both sides', () => {
    const encoder = new TextEncoder();
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(text, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 400 }), (v, limit) => {
        const exact = encoder.encode(JSON.stringify(v)).length;
        expect(exactJsonByteLength(v)).toBe(exact);
        const measured = jsonByteLength(v, limit);
        expect(measured > limit).toBe(exact > limit);
        // Within the limit it is an upper bound; past it, a lower bound.
        if (measured <= limit) expect(measured).toBeGreaterThanOrEqual(exact);
        else expect(measured).toBeLessThanOrEqual(exact);
      }),
      { numRuns: 1000 },
    );
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(jsonByteLength(cyclic, 100)).toBe(UNMEASURABLE);
  });
});
