import { describe, expect, it } from 'vitest';
import { SecurityError, ToolError, ValidationError } from '../../src/errors/families.js';
import type { Principal } from '../../src/principal.js';
import { memoryAuditSink } from '../../src/security/audit/index.js';
import {
  createLockdown,
  createSecurityGuard,
  guardTool,
  registryOptionsFromPolicy,
  type SecurityGuardOptions,
  type ToolAccessCheck,
} from '../../src/security/guard/index.js';
import { parsePolicy, type SecurityPolicyInput } from '../../src/security/policy/index.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { Tool, ToolResult } from '../../src/tools/tool.js';

const AWS = 'AKIAIOSFODNN7EXAMPLE';

/** A tool that records what it received and returns it. */
function recordingTool(name = 'echo'): Tool & { seen: unknown[] } {
  const seen: unknown[] = [];
  return {
    name,
    description: 'returns its input',
    inputSchema: {},
    seen,
    call(input: unknown) {
      seen.push(input);
      return input;
    },
  };
}

/** A tool whose calls stay open until released. */
function gatedTool(name = 'slow') {
  const waiting: (() => void)[] = [];
  const tool: Tool = {
    name,
    description: 'waits to be released',
    inputSchema: {},
    call: () =>
      new Promise<string>((resolve) => {
        waiting.push(() => resolve('done'));
      }),
  };
  const releaseAll = () => {
    for (const release of waiting.splice(0)) release();
  };
  return { tool, releaseAll, waiting };
}

function setup(
  policyInput: SecurityPolicyInput,
  options: Omit<SecurityGuardOptions, 'policy'> = {},
  tools: Tool[] = [],
) {
  const policy = parsePolicy(policyInput);
  const sink = memoryAuditSink();
  const guard = createSecurityGuard({ policy, sink, ...options });
  const registry = createToolRegistry({
    ...registryOptionsFromPolicy(policy),
    policies: [guard.hook],
  });
  for (const tool of tools) registry.register(tool);
  return { policy, sink, guard, registry };
}

/** The denial's security code and data, failing the test when the call succeeded. */
function denial(result: ToolResult): {
  code: string;
  reason: string;
  detail: Record<string, unknown>;
} {
  if (result.ok) throw new Error(`expected a denial, got ${JSON.stringify(result.output)}`);
  expect(result.error).toBeInstanceOf(ToolError);
  expect(result.error.code).toBe('tool_denied');
  const data = result.error.data as { reason: string; detail: Record<string, unknown> };
  return { code: String(data.detail.code), reason: data.reason, detail: data.detail };
}

describe('security guard: denial codes through dispatch', () => {
  it('lockdown_active: on and off take effect for the very next call', async () => {
    const echo = recordingTool();
    const { guard, registry, sink } = setup(
      { emergency: { allowedTools: ['health_*'], securityContact: 'sec@example.com' } },
      {},
      [echo, recordingTool('health_check')],
    );
    expect((await registry.dispatch({ name: 'echo', input: 1 })).ok).toBe(true);
    guard.lockdown.activate(undefined, { principalId: 'oncall', message: 'incident 7' });
    const denied = denial(await registry.dispatch({ name: 'echo', input: 2 }));
    expect(denied.code).toBe('lockdown_active');
    expect(denied.detail.securityContact).toBe('sec@example.com');
    expect(denied.reason).toContain('sec@example.com');
    expect((await registry.dispatch({ name: 'health_check', input: 3 })).ok).toBe(true);
    guard.lockdown.lift({ principalId: 'oncall' });
    expect((await registry.dispatch({ name: 'echo', input: 4 })).ok).toBe(true);
    expect(echo.seen).toEqual([1, 4]);
    const changes = sink.events.filter((e) => e.type === 'lockdown.changed');
    expect(changes.map((e) => [e.reason, e.principalId, e.severity])).toEqual([
      ['activated', 'oncall', 'critical'],
      ['lifted', 'oncall', 'critical'],
    ]);
  });

  it('lockdown_active for a named set only, by glob', async () => {
    const { guard, registry } = setup({}, {}, [recordingTool('shell_exec'), recordingTool('read')]);
    guard.lockdown.activate(['shell_*']);
    expect(denial(await registry.dispatch({ name: 'shell_exec', input: {} })).code).toBe(
      'lockdown_active',
    );
    expect((await registry.dispatch({ name: 'read', input: {} })).ok).toBe(true);
  });

  it('lockdown_active from the start when the policy says so', async () => {
    const { guard, registry } = setup(
      { emergency: { lockdown: true, allowedTools: ['memory'] } },
      {},
      [recordingTool('memory'), recordingTool('other')],
    );
    expect(guard.lockdown.isActive).toBe(true);
    expect((await registry.dispatch({ name: 'memory', input: {} })).ok).toBe(true);
    expect(denial(await registry.dispatch({ name: 'other', input: {} })).code).toBe(
      'lockdown_active',
    );
  });

  it('permission_denied for a tool the policy disables', async () => {
    const echo = recordingTool();
    const { registry } = setup({ tools: { echo: { enabled: false } } }, {}, [echo]);
    const denied = denial(await registry.dispatch({ name: 'echo', input: 'x' }));
    expect(denied.code).toBe('permission_denied');
    expect(denied.detail.reason).toBe('tool_disabled');
    expect(echo.seen).toEqual([]);
  });

  it('permission_denied from the RBAC check, which sees the principal and tool name', async () => {
    const asked: [string | undefined, string][] = [];
    const checkAccess: ToolAccessCheck = (principal, tool) => {
      asked.push([principal?.id, tool]);
      return principal?.roles.includes('admin') === true
        ? { allow: true }
        : { allow: false, reason: `role admin required for ${tool}` };
    };
    const { registry } = setup({}, { checkAccess }, [recordingTool()]);
    const admin: Principal = { id: 'ada', roles: ['admin'] };
    const guest: Principal = { id: 'bob', roles: ['guest'] };
    expect((await registry.dispatch({ name: 'echo', input: 1 }, { principal: admin })).ok).toBe(
      true,
    );
    const denied = denial(
      await registry.dispatch({ name: 'echo', input: 1 }, { principal: guest }),
    );
    expect(denied).toMatchObject({ code: 'permission_denied', detail: { reason: 'access_check' } });
    expect(denied.reason).toContain('role admin required for echo');
    expect(denial(await registry.dispatch({ name: 'echo', input: 1 })).code).toBe(
      'permission_denied',
    );
    expect(asked).toEqual([
      ['ada', 'echo'],
      ['bob', 'echo'],
      [undefined, 'echo'],
    ]);
  });

  it('permission_denied when the RBAC check throws or returns junk (fail closed)', async () => {
    const throwing = setup(
      {},
      {
        checkAccess: () => {
          throw new Error('db down');
        },
      },
      [recordingTool()],
    );
    expect(denial(await throwing.registry.dispatch({ name: 'echo', input: 1 })).code).toBe(
      'permission_denied',
    );
    const junk = setup({}, { checkAccess: (() => 'yes') as unknown as ToolAccessCheck }, [
      recordingTool(),
    ]);
    expect(denial(await junk.registry.dispatch({ name: 'echo', input: 1 })).code).toBe(
      'permission_denied',
    );
  });

  it('size_limit_exceeded at exactly one byte over the JSON UTF-8 length', async () => {
    const echo = recordingTool();
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;
    // {"t":"éé"} is 12 bytes: é is two bytes in UTF-8.
    expect(bytes({ t: 'éé' })).toBe(12);
    const { registry } = setup({ resources: { maxInputBytes: 12 } }, {}, [echo]);
    expect((await registry.dispatch({ name: 'echo', input: { t: 'éé' } })).ok).toBe(true);
    const denied = denial(await registry.dispatch({ name: 'echo', input: { t: 'ééé' } }));
    expect(denied).toMatchObject({
      code: 'size_limit_exceeded',
      detail: { reason: 'input_bytes', limit: 12, size: 14 },
    });
    expect(echo.seen).toHaveLength(1);
  });

  it('size_limit_exceeded per tool override', async () => {
    const { registry } = setup({ tools: { echo: { resources: { maxInputBytes: 5 } } } }, {}, [
      recordingTool(),
      recordingTool('other'),
    ]);
    expect(denial(await registry.dispatch({ name: 'echo', input: 'abcdef' })).code).toBe(
      'size_limit_exceeded',
    );
    expect((await registry.dispatch({ name: 'other', input: 'abcdef' })).ok).toBe(true);
  });

  it('secret_detected: the tool never sees the input, the caller learns which detector', async () => {
    const echo = recordingTool();
    const { registry } = setup({}, {}, [echo]);
    const denied = denial(
      await registry.dispatch({ name: 'echo', input: { note: `key ${AWS}`, password: 'pw' } }),
    );
    expect(denied.code).toBe('secret_detected');
    expect(denied.detail.detectors).toEqual(['aws_access_key_id', 'sensitive_field']);
    expect(denied.reason).not.toContain(AWS);
    expect(echo.seen).toEqual([]);
  });

  it('redacts the input instead when secrets.onInput is redact', async () => {
    const echo = recordingTool();
    const { registry, sink } = setup({ secrets: { onInput: 'redact' } }, {}, [echo]);
    const input = { q: `find ${AWS}`, keep: { n: 1 }, password: 'hunter2' };
    const result = await registry.dispatch({ name: 'echo', input });
    expect(result.ok).toBe(true);
    expect(echo.seen).toEqual([{ q: 'find [REDACTED]', keep: { n: 1 }, password: '[REDACTED]' }]);
    expect((echo.seen[0] as typeof input).keep).toBe(input.keep);
    expect(input.q).toContain(AWS);
    expect(sink.events.at(-1)).toMatchObject({ type: 'tool.allowed', reason: 'redacted' });
  });

  it('lets a tool take secrets when its override allows them', async () => {
    const login = recordingTool('login');
    const { registry } = setup({ tools: { login: { secrets: { onInput: 'allow' } } } }, {}, [
      login,
      recordingTool(),
    ]);
    expect((await registry.dispatch({ name: 'login', input: { password: 'hunter2' } })).ok).toBe(
      true,
    );
    expect(
      denial(await registry.dispatch({ name: 'echo', input: { password: 'hunter2' } })).code,
    ).toBe('secret_detected');
  });

  it('resource_exhausted past the overall concurrency limit of guarded tools', async () => {
    const a = gatedTool('slow_a');
    const b = gatedTool('slow_b');
    const policy = parsePolicy({ resources: { maxConcurrent: 2 } });
    const guard = createSecurityGuard({ policy });
    const registry = createToolRegistry({ policies: [guard.hook] });
    registry.register(guard.wrap(a.tool)).register(guardTool(b.tool, guard));
    const first = registry.dispatch({ name: 'slow_a', input: 1 });
    const second = registry.dispatch({ name: 'slow_b', input: 2 });
    await Promise.resolve();
    expect(guard.running).toBe(2);
    const third = denial(await registry.dispatch({ name: 'slow_a', input: 3 }));
    expect(third).toMatchObject({ code: 'resource_exhausted', detail: { limit: 2 } });
    a.releaseAll();
    b.releaseAll();
    expect(await first).toEqual({ ok: true, output: 'done' });
    expect(await second).toEqual({ ok: true, output: 'done' });
    expect(guard.running).toBe(0);
    const fourth = registry.dispatch({ name: 'slow_a', input: 4 });
    await Promise.resolve();
    a.releaseAll();
    expect((await fourth).ok).toBe(true);
  });

  it('resource_exhausted past a per-tool concurrency override, enforced by the wrapper', async () => {
    const gate = gatedTool('slow');
    const policy = parsePolicy({ tools: { slow: { resources: { maxConcurrentPerTool: 1 } } } });
    const guard = createSecurityGuard({ policy });
    const registry = createToolRegistry({ policies: [guard.hook] }).register(guard.wrap(gate.tool));
    const first = registry.dispatch({ name: 'slow', input: 1 });
    await Promise.resolve();
    const second = await registry.dispatch({ name: 'slow', input: 2 });
    const refused = denial(second);
    expect(refused.code).toBe('resource_exhausted');
    expect(second.ok || second.error.cause).toBeInstanceOf(SecurityError);
    gate.releaseAll();
    expect((await first).ok).toBe(true);
  });

  it('checks in order: lockdown, enabled, RBAC, size, secrets', async () => {
    const everything = {
      resources: { maxInputBytes: 10 },
      tools: { echo: { enabled: false } },
    } satisfies SecurityPolicyInput;
    const deny: ToolAccessCheck = () => ({ allow: false, reason: 'no' });
    const input = { s: `${AWS} and more` };
    const run = async (
      policy: SecurityPolicyInput,
      options: Omit<SecurityGuardOptions, 'policy'>,
      lock: boolean,
    ) => {
      const { guard, registry } = setup(policy, options, [recordingTool()]);
      if (lock) guard.lockdown.activate();
      return denial(await registry.dispatch({ name: 'echo', input })).code;
    };
    expect(await run(everything, { checkAccess: deny }, true)).toBe('lockdown_active');
    expect(await run(everything, { checkAccess: deny }, false)).toBe('permission_denied');
    expect(await run({ resources: { maxInputBytes: 10 } }, { checkAccess: deny }, false)).toBe(
      'permission_denied',
    );
    expect(await run({ resources: { maxInputBytes: 10 } }, {}, false)).toBe('size_limit_exceeded');
    expect(await run({}, {}, false)).toBe('secret_detected');
  });
});

describe('security guard: wrapped tool outputs', () => {
  const leaky = (output: unknown): Tool => ({
    name: 'leaky',
    description: 'returns a fixed output',
    inputSchema: {},
    call: async () => output,
  });

  it('redacts secrets in outputs by default and audits a policy violation', async () => {
    const policy = parsePolicy({});
    const sink = memoryAuditSink();
    const guard = createSecurityGuard({ policy, sink });
    const registry = createToolRegistry({ policies: [guard.hook] }).register(
      guard.wrap(leaky({ text: `creds ${AWS}`, n: 1 })),
    );
    expect(await registry.dispatch({ name: 'leaky', input: {} })).toEqual({
      ok: true,
      output: { text: 'creds [REDACTED]', n: 1 },
    });
    expect(sink.events.at(-1)).toMatchObject({
      type: 'policy.violation',
      reason: 'secret_detected',
      severity: 'warning',
      tool: 'leaky',
    });
  });

  it('refuses outputs with secrets when onOutput is reject, with the SecurityError as cause', async () => {
    const policy = parsePolicy({ secrets: { onOutput: 'reject' } });
    const guard = createSecurityGuard({ policy });
    const registry = createToolRegistry({ policies: [guard.hook] }).register(
      guard.wrap(leaky(`x ${AWS}`)),
    );
    const result = await registry.dispatch({ name: 'leaky', input: {} });
    expect(denial(result).code).toBe('secret_detected');
    if (!result.ok) {
      expect(result.error.cause).toBeInstanceOf(SecurityError);
      expect((result.error.cause as SecurityError).code).toBe('secret_detected');
      expect(result.error.message).not.toContain(AWS);
    }
  });

  it('refuses outputs over maxOutputBytes, sync and async', async () => {
    const policy = parsePolicy({ resources: { maxOutputBytes: 8 } });
    const guard = createSecurityGuard({ policy });
    const sync: Tool = {
      name: 'sync',
      description: 'd',
      inputSchema: {},
      call: () => 'a long output',
    };
    const registry = createToolRegistry({ policies: [guard.hook] })
      .register(guard.wrap(sync))
      .register(guard.wrap(leaky('0123456789')));
    for (const name of ['sync', 'leaky']) {
      const refused = denial(await registry.dispatch({ name, input: {} }));
      expect(refused).toMatchObject({
        code: 'size_limit_exceeded',
        detail: { reason: 'output_bytes', limit: 8 },
      });
    }
    expect(guard.running).toBe(0);
  });

  it('passes throws and rejections through and releases the slot', async () => {
    const guard = createSecurityGuard({});
    const throwing: Tool = {
      name: 't',
      description: 'd',
      inputSchema: {},
      call: () => {
        throw new Error('bad');
      },
    };
    const rejecting: Tool = {
      name: 'r',
      description: 'd',
      inputSchema: {},
      call: async () => Promise.reject(new Error('worse')),
    };
    const registry = createToolRegistry({ policies: [guard.hook] })
      .register(guard.wrap(throwing))
      .register(guard.wrap(rejecting));
    const a = await registry.dispatch({ name: 't', input: {} });
    const b = await registry.dispatch({ name: 'r', input: {} });
    expect(a.ok || a.error.code).toBe('tool_failed');
    expect(b.ok || b.error.code).toBe('tool_failed');
    expect(guard.running).toBe(0);
  });

  it('keeps the wrapped tool publishable: name, description, schema, validator', () => {
    const validator = {
      '~standard': { version: 1 as const, vendor: 'x', validate: (v: unknown) => ({ value: v }) },
    };
    const tool: Tool = {
      name: 'v',
      description: 'desc',
      inputSchema: { type: 'object' },
      validator,
      call: () => 1,
    };
    const wrapped = createSecurityGuard({}).wrap(tool);
    expect(wrapped).toMatchObject({
      name: 'v',
      description: 'desc',
      inputSchema: { type: 'object' },
      validator,
    });
  });
});

describe('lockdown switch', () => {
  it('reports its state and refuses bad tool lists', () => {
    const lockdown = createLockdown(
      parsePolicy({ emergency: { allowedTools: ['memory'] } }).emergency,
    );
    expect(lockdown.state).toEqual({ active: false, scope: 'all', tools: ['memory'] });
    expect(lockdown.allows('anything')).toBe(true);
    lockdown.activate(['a?c', 'shell_*']);
    expect(lockdown.state).toEqual({ active: true, scope: 'named', tools: ['a?c', 'shell_*'] });
    expect([
      lockdown.allows('abc'),
      lockdown.allows('abbc'),
      lockdown.allows('shell_'),
      lockdown.allows('memory'),
    ]).toEqual([false, true, false, true]);
    lockdown.activate();
    expect([lockdown.allows('memory'), lockdown.allows('abbc')]).toEqual([true, false]);
    expect(() => lockdown.activate([])).toThrow(ValidationError);
    expect(() => lockdown.activate(['bad name'])).toThrow(ValidationError);
    lockdown.lift();
    lockdown.lift();
    expect(lockdown.isActive).toBe(false);
  });
});

describe('registryOptionsFromPolicy', () => {
  it('maps the resources section onto the registry options', () => {
    const policy = parsePolicy({ resources: { timeoutMs: 1_234, maxConcurrentPerTool: 3 } });
    expect(registryOptionsFromPolicy(policy)).toEqual({
      timeoutMs: 1_234,
      maxConcurrentPerTool: 3,
    });
  });
});
