import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PERMISSIONS,
  createRbac,
  createToolRegistry,
  defineTool,
  type Principal,
  type RbacProblem,
  SecurityError,
  ValidationError,
} from '../../src/index.js';

const who = (...roles: string[]): Principal => ({ id: `user-${roles.join('+') || 'none'}`, roles });

function problemsOf(run: () => unknown): readonly RbacProblem[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityError);
    expect((error as SecurityError).code).toBe('policy_invalid');
    return ((error as SecurityError).data as { problems: RbacProblem[] }).problems;
  }
  throw new Error('expected policy_invalid');
}

describe('createRbac: built-in roles and permissions', () => {
  const rbac = createRbac();

  it('gives admin every built-in permission, agent four and viewer two', () => {
    expect(rbac.permissionsOf(who('admin'))).toEqual([...BUILTIN_PERMISSIONS].sort());
    expect(rbac.permissionsOf(who('agent'))).toEqual([
      'memory:read',
      'memory:write',
      'metrics:view',
      'tool:execute',
    ]);
    expect(rbac.permissionsOf(who('viewer'))).toEqual(['memory:read', 'metrics:view']);
    expect(rbac.roleNames).toEqual(['admin', 'agent', 'viewer']);
  });

  it('answers hasPermission from the union of known roles and ignores unknown ones', () => {
    expect(rbac.hasPermission(who('viewer'), 'memory:write')).toBe(false);
    expect(rbac.hasPermission(who('viewer', 'agent'), 'memory:write')).toBe(true);
    expect(rbac.hasPermission(who('ghost'), 'memory:read')).toBe(false);
    expect(rbac.hasPermission(who('ghost', 'viewer'), 'memory:read')).toBe(true);
    expect(rbac.hasPermission(undefined, 'memory:read')).toBe(false);
  });

  it('assertPermission throws permission_denied with the principal and permission', () => {
    expect(() => rbac.assertPermission(who('admin'), 'auth:manage')).not.toThrow();
    try {
      rbac.assertPermission({ id: 'u7', roles: ['viewer'] }, 'config:modify');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SecurityError);
      expect((error as SecurityError).code).toBe('permission_denied');
      expect((error as SecurityError).data).toEqual({
        code: 'permission_denied',
        reason: "principal 'u7' lacks permission 'config:modify'",
        permission: 'config:modify',
        principal: 'u7',
      });
    }
    expect(() => rbac.assertPermission(undefined, 'memory:read')).toThrow(/no principal/);
  });

  it('lets admin run any tool and, by default, nobody else any tool', () => {
    expect(rbac.checkTool(who('admin'), 'shell_exec')).toEqual({ allow: true });
    expect(rbac.checkTool(who('agent'), 'http_get')).toEqual({
      allow: false,
      reason: "no rule of role(s) 'agent' allows tool 'http_get'",
    });
    expect(rbac.checkTool(who('viewer'), 'http_get').allow).toBe(false);
  });

  it('can extend a built-in role, replace it, or drop the built-ins', () => {
    const extended = createRbac({ roles: { viewer: { permissions: ['reports:read'] } } });
    expect(extended.permissionsOf(who('viewer'))).toEqual([
      'memory:read',
      'metrics:view',
      'reports:read',
    ]);
    const replaced = createRbac({
      roles: { viewer: { replace: true, permissions: ['reports:read'] } },
    });
    expect(replaced.permissionsOf(who('viewer'))).toEqual(['reports:read']);
    const bare = createRbac({ builtinRoles: false, roles: { ops: { permissions: ['x'] } } });
    expect(bare.roleNames).toEqual(['ops']);
    expect(bare.checkTool(who('admin'), 'anything')).toEqual({
      allow: false,
      reason: 'the principal holds no role this RBAC knows',
    });
  });
});

describe('createRbac: tool rules', () => {
  it('lets deny beat allow inside a role, across roles and through inheritance', () => {
    const rbac = createRbac({
      roles: {
        ops: { tools: { allow: ['shell_*'], deny: ['shell_rm'] } },
        restricted: { tools: { deny: ['http_*'] } },
        senior: { inherits: ['ops'], tools: { allow: ['shell_rm'] } },
      },
    });
    expect(rbac.checkTool(who('ops'), 'shell_ls')).toEqual({ allow: true });
    expect(rbac.checkTool(who('ops'), 'shell_rm')).toEqual({
      allow: false,
      reason: "role 'ops' denies tool 'shell_rm' by rule 'shell_rm'",
    });
    expect(rbac.checkTool(who('senior'), 'shell_rm')).toEqual({
      allow: false,
      reason: "role 'ops' (inherited by 'senior') denies tool 'shell_rm' by rule 'shell_rm'",
    });
    expect(rbac.checkTool(who('admin'), 'http_get').allow).toBe(true);
    expect(rbac.checkTool(who('admin', 'restricted'), 'http_get')).toEqual({
      allow: false,
      reason: "role 'restricted' denies tool 'http_get' by rule 'http_*'",
    });
  });

  it('matches *, ? and whole names only', () => {
    const rbac = createRbac({
      builtinRoles: false,
      roles: { r: { tools: { allow: ['shell_*', '*_get', 'file_?ead', 'exact'] } } },
    });
    const allowed = (tool: string) => rbac.checkTool(who('r'), tool).allow;
    expect(allowed('shell_')).toBe(true);
    expect(allowed('shell_exec')).toBe(true);
    expect(allowed('my_shell_exec')).toBe(false);
    expect(allowed('http_get')).toBe(true);
    expect(allowed('http_get_all')).toBe(false);
    expect(allowed('file_read')).toBe(true);
    expect(allowed('file_rread')).toBe(false);
    expect(allowed('exact')).toBe(true);
    expect(allowed('exactly')).toBe(false);
    expect(allowed('Shell_exec')).toBe(false);
  });

  it('with defaultDeny false allows unmatched tools to holders of tool:execute only', () => {
    const rbac = createRbac({
      defaultDeny: false,
      roles: {
        agent: { tools: { deny: ['shell_*'] } },
        viewer: { tools: { allow: ['metrics_get'] } },
      },
    });
    expect(rbac.checkTool(who('agent'), 'http_get')).toEqual({ allow: true });
    expect(rbac.checkTool(who('agent'), 'shell_exec').allow).toBe(false);
    expect(rbac.checkTool(who('viewer'), 'metrics_get')).toEqual({ allow: true });
    expect(rbac.checkTool(who('viewer'), 'http_get')).toEqual({
      allow: false,
      reason: "no rule of role(s) 'viewer' matches tool 'http_get' and none holds 'tool:execute'",
    });
    expect(rbac.checkTool(who('ghost'), 'http_get').allow).toBe(false);
  });

  it('denies a missing principal unless anonymousRole is set', () => {
    expect(createRbac().checkTool(undefined, 'http_get')).toEqual({
      allow: false,
      reason: 'the call has no principal and anonymous access is not configured',
    });
    const rbac = createRbac({
      anonymousRole: 'guest',
      roles: { guest: { permissions: ['memory:read'], tools: { allow: ['text_*'] } } },
    });
    expect(rbac.checkTool(undefined, 'text_upper')).toEqual({ allow: true });
    expect(rbac.checkTool(undefined, 'shell_exec').allow).toBe(false);
    expect(rbac.hasPermission(undefined, 'memory:read')).toBe(true);
    expect(() => rbac.assertPermission(undefined, 'memory:write')).toThrow(
      /anonymous role lacks 'memory:write'/,
    );
  });

  it('denies a principal without a roles array and never confuses role names with cache keys', () => {
    const rbac = createRbac();
    expect(rbac.checkTool({ id: 'x' } as unknown as Principal, 'http_get')).toEqual({
      allow: false,
      reason: 'the principal has no roles array',
    });
    // Internally roles get numeric tokens; role strings that look like tokens
    // or joined token lists are still just unknown roles.
    for (const roles of [['0'], ['0,1'], ['1', '2'], ['']]) {
      expect(rbac.checkTool(who(...roles), 'shell_exec').allow).toBe(false);
    }
    expect(rbac.checkTool(who('0', 'admin'), 'shell_exec').allow).toBe(true);
  });

  it('caches decisions per role set and stays right when the cache is tiny', () => {
    const rbac = createRbac({ roles: { agent: { tools: { allow: ['http_get'] } } } });
    const first = rbac.checkTool(who('agent'), 'http_get');
    expect(rbac.checkTool(who('agent'), 'http_get')).toBe(first);
    const tiny = createRbac({
      maxCachedDecisions: 1,
      roles: { agent: { tools: { allow: ['http_get'] } } },
    });
    for (let i = 0; i < 3; i++) {
      expect(tiny.checkTool(who('agent'), 'http_get').allow).toBe(true);
      expect(tiny.checkTool(who('agent'), 'shell_exec').allow).toBe(false);
      expect(tiny.checkTool(who('admin'), 'shell_exec').allow).toBe(true);
      expect(tiny.hasPermission(who('viewer'), 'memory:read')).toBe(true);
      // A cache reset in the middle of a multi-role lookup must not file the
      // pair's answer under one of its roles.
      expect(tiny.checkTool(who('admin', 'viewer'), 'shell_exec').allow).toBe(true);
      expect(tiny.checkTool(who('viewer'), 'shell_exec').allow).toBe(false);
      expect(tiny.hasPermission(who('viewer'), 'admin:access')).toBe(false);
    }
  });
});

describe('createRbac: configuration errors', () => {
  it('detects inheritance cycles, naming the cycle', () => {
    const problems = problemsOf(() =>
      createRbac({
        roles: { a: { inherits: ['b'] }, b: { inherits: ['c'] }, c: { inherits: ['a'] } },
      }),
    );
    expect(problems).toEqual([
      { path: 'roles.c.inherits', message: 'forms an inheritance cycle: a -> b -> c -> a' },
    ]);
    expect(problemsOf(() => createRbac({ roles: { me: { inherits: ['me'] } } }))).toEqual([
      { path: 'roles.me.inherits', message: 'forms an inheritance cycle: me -> me' },
    ]);
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf(() =>
      createRbac({
        roles: {
          ops: {
            inherits: ['nobody'],
            permissions: ['ok', ' spaced', 7 as unknown as string],
            tools: { allow: ['shell_**', 'a.b', ''], deny: 'x' as unknown as string[] },
            permisions: [],
          } as never,
          'bad name': {},
          broken: 'admin' as never,
        },
      }),
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      'roles.ops.permisions',
      'roles.ops.permissions[1]',
      'roles.ops.permissions[2]',
      'roles.ops.tools.allow[0]',
      'roles.ops.tools.allow[1]',
      'roles.ops.tools.allow[2]',
      'roles.ops.tools.deny',
      'roles["bad name"]',
      'roles.broken',
      'roles.ops.inherits[0]',
    ]);
    expect(problems[3]?.message).toBe('must not contain `**` (use a single `*`)');
  });

  it('refuses an unknown anonymous role and options of the wrong type', () => {
    expect(problemsOf(() => createRbac({ anonymousRole: 'guest' }))).toEqual([
      { path: 'anonymousRole', message: "names the unknown role 'guest'" },
    ]);
    for (const options of [
      { defaultDeny: 'yes' },
      { builtinRoles: 1 },
      { maxCachedDecisions: 0 },
      { maxCachedDecisions: 1.5 },
    ]) {
      expect(() => createRbac(options as never)).toThrow(ValidationError);
    }
  });
});

describe('RBAC matrix through registry.dispatch', () => {
  // A sample policy: every (role, tool) pair below must come out of a real
  // registry dispatch exactly as the table says.
  const rbac = createRbac({
    roles: {
      agent: { tools: { allow: ['http_get', 'text_*', 'file_read'] } },
      operator: {
        inherits: ['agent'],
        tools: { allow: ['shell_*', 'file_*'], deny: ['file_delete'] },
      },
      auditor: { inherits: ['viewer'], tools: { allow: ['*_get', 'file_read'] } },
      quarantined: { tools: { deny: ['*'] } },
    },
  });
  const tools = ['http_get', 'text_upper', 'file_read', 'file_delete', 'shell_exec', 'metrics_get'];
  const Y = true;
  const N = false;
  const matrix: Record<string, readonly boolean[]> = {
    //            http_get text_upper file_read file_delete shell_exec metrics_get
    admin: [Y, Y, Y, Y, Y, Y],
    agent: [Y, Y, Y, N, N, N],
    viewer: [N, N, N, N, N, N],
    operator: [Y, Y, Y, N, Y, N],
    auditor: [Y, N, Y, N, N, Y],
    quarantined: [N, N, N, N, N, N],
    ghost: [N, N, N, N, N, N],
  };
  const registry = createToolRegistry({ policies: [rbac.toolPolicyHook()] });
  for (const name of tools) {
    registry.register(
      defineTool({
        name,
        description: `sample tool ${name}`,
        inputSchema: { type: 'object' },
        call: () => `${name} ran`,
      }),
    );
  }

  for (const [role, row] of Object.entries(matrix)) {
    it(`dispatches every tool for role '${role}' as the matrix says`, async () => {
      const principal = { id: `p-${role}`, roles: [role] };
      for (const [index, tool] of tools.entries()) {
        const result = await registry.dispatch({ name: tool, input: {} }, { principal });
        if (row[index]) {
          expect(result, `${role} -> ${tool}`).toEqual({ ok: true, output: `${tool} ran` });
        } else {
          expect(result.ok, `${role} -> ${tool}`).toBe(false);
          if (result.ok) continue;
          expect(result.error.code).toBe('tool_denied');
          const data = result.error.data as { detail: Record<string, unknown> };
          expect(data.detail).toMatchObject({
            code: 'permission_denied',
            tool,
            principal: `p-${role}`,
          });
          expect(data.detail.reason).toBe(
            (rbac.checkTool(principal, tool) as { reason: string }).reason,
          );
        }
      }
    });
  }

  it('denies a dispatch without a principal', async () => {
    const result = await registry.dispatch({ name: 'http_get', input: {} });
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.error.data).toMatchObject({
      detail: { code: 'permission_denied', tool: 'http_get' },
    });
  });
});
