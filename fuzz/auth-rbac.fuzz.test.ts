import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoleDefinition } from '../src/auth/permissions.js';
import { createRbac } from '../src/auth/rbac.js';
import { compileToolGlob, toolGlobProblem } from '../src/auth/tool-glob.js';

const nameChar = fc.constantFrom('a', 'b', '_');
const toolName = fc.string({ unit: nameChar, minLength: 1, maxLength: 8 });
const glob = fc
  .string({ unit: fc.constantFrom('a', 'b', '_', '*', '?'), minLength: 1, maxLength: 8 })
  .filter((pattern) => !pattern.includes('**'));

/** The model: a glob as a regular expression. */
function model(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

describe('tool globs (property)', () => {
  it('match exactly what the regular-expression model matches', () => {
    fc.assert(
      fc.property(glob, toolName, (pattern, name) => {
        expect(compileToolGlob(pattern)(name)).toBe(model(pattern).test(name));
      }),
      { numRuns: 5000 },
    );
  });

  it('a pattern without wildcards matches only itself; * matches everything', () => {
    fc.assert(
      fc.property(toolName, toolName, (a, b) => {
        expect(compileToolGlob(a)(b)).toBe(a === b);
        expect(compileToolGlob('*')(b)).toBe(true);
        expect(compileToolGlob(`${a}*`)(a + b)).toBe(true);
        expect(compileToolGlob(`*${a}`)(b + a)).toBe(true);
      }),
    );
  });

  it('refuses ** and characters tool names cannot hold, without throwing', () => {
    fc.assert(
      fc.property(fc.string(), (pattern) => {
        const problem = toolGlobProblem(pattern);
        const valid =
          /^[A-Za-z0-9_\-*?]+$/.test(pattern) && !pattern.includes('**') && pattern.length <= 256;
        expect(problem === undefined).toBe(valid);
      }),
    );
  });

  it('stays fast on patterns with many stars', () => {
    const pattern = `${'a*'.repeat(40)}b`;
    const matcher = compileToolGlob(pattern);
    expect(matcher('a'.repeat(200))).toBe(false);
    expect(matcher(`${'a'.repeat(200)}b`)).toBe(true);
  });
});

/** Random role configurations: role i may inherit only from roles < i, so there is no cycle. */
const config = fc
  .array(
    fc.record({
      inherits: fc.array(fc.nat({ max: 4 }), { maxLength: 2 }),
      allow: fc.array(glob, { maxLength: 2 }),
      deny: fc.array(glob, { maxLength: 2 }),
      execute: fc.boolean(),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((specs) =>
    specs.map((spec, index) => ({
      ...spec,
      inherits: spec.inherits.filter((parent) => parent < index).map((parent) => `r${parent}`),
    })),
  );

type Spec = { inherits: string[]; allow: string[]; deny: string[]; execute: boolean };

/** The model: collect every rule of every held role and its ancestors, deny first. */
function expected(specs: Spec[], held: string[], tool: string, defaultDeny: boolean): boolean {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    const spec = specs[Number(name.slice(1))];
    if (spec === undefined) return;
    seen.add(name);
    for (const parent of spec.inherits) visit(parent);
  };
  for (const name of held) if (/^r\d$/.test(name)) visit(name);
  const roles = [...seen].map((name) => specs[Number(name.slice(1))] as Spec);
  if (roles.some((role) => role.deny.some((pattern) => model(pattern).test(tool)))) return false;
  if (roles.some((role) => role.allow.some((pattern) => model(pattern).test(tool)))) return true;
  return !defaultDeny && roles.some((role) => role.execute);
}

describe('createRbac.checkTool (property)', () => {
  it('agrees with the model for any configuration, principal and tool, cached or not', () => {
    fc.assert(
      fc.property(
        config,
        fc.boolean(),
        fc.array(
          fc.tuple(
            fc.array(fc.constantFrom('r0', 'r1', 'r2', 'r3', 'r4', 'ghost'), { maxLength: 3 }),
            toolName,
          ),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.integer({ min: 1, max: 6 }),
        (specs, defaultDeny, calls, maxCachedDecisions) => {
          const roles: Record<string, RoleDefinition> = {};
          specs.forEach((spec, index) => {
            roles[`r${index}`] = {
              inherits: spec.inherits,
              permissions: spec.execute ? ['tool:execute'] : [],
              tools: { allow: spec.allow, deny: spec.deny },
            };
          });
          const rbac = createRbac({ builtinRoles: false, roles, defaultDeny, maxCachedDecisions });
          // Each call is asked twice, so cache hits and misses both face the model.
          for (const [held, tool] of [...calls, ...calls]) {
            const decision = rbac.checkTool({ id: 'p', roles: held }, tool);
            expect(decision.allow, `${JSON.stringify(held)} ${tool}`).toBe(
              expected(specs, held, tool, defaultDeny),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
