import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/errors/families.js';
import {
  type AuditEvent,
  consoleAuditSink,
  createAuditLogger,
  defaultSeverity,
  memoryAuditSink,
} from '../../src/security/audit/index.js';
import { createSecurityGuard, type ToolAccessCheck } from '../../src/security/guard/index.js';
import {
  DEFAULT_POLICY,
  parsePolicy,
  type SecurityPolicyInput,
} from '../../src/security/policy/index.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { Tool } from '../../src/tools/tool.js';

const MIXED = 'aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xYzC';
const body = (n: number): string =>
  Array.from({ length: n }, (_, i) => MIXED[(i * 7 + 3) % MIXED.length]).join('');

/** Secrets of several kinds, each placed in a tool input the way a model might. */
const SECRETS: [string, string][] = [
  ['aws', 'AKIAIOSFODNN7EXAMPLE'],
  ['api key', `${'sk'}-proj-${body(40)}`],
  ['github', `${'gh'}p_${body(36)}`],
  ['url password', 's3cr3t-Pa55'],
  ['assignment', 'hunter2hunter2'],
  ['bearer', 'abc123def456ghi789jkl'],
];

function inputs(secret: string): unknown[] {
  return [
    { text: `here is ${secret}` },
    { nested: [{ deep: { value: `key=${secret}` } }] },
    { url: `postgres://app:${secret}@db.example.com/app` },
    { note: `password=${secret}` },
    { header: `Authorization: Bearer ${secret}` },
    { password: secret },
    { apiKey: secret, other: 'fine' },
    [`${secret}`],
    `${secret}`,
  ];
}

const echo: Tool = {
  name: 'echo',
  description: 'returns its input',
  inputSchema: {},
  call: (input: unknown) => input,
};

describe('audit: a secret in a tool input never appears in any audit event', () => {
  const modes: SecurityPolicyInput['secrets'][] = [
    { onInput: 'reject' },
    { onInput: 'redact' },
    { onInput: 'allow' },
  ];

  it.each(SECRETS)('%s', async (_kind, secret) => {
    for (const secrets of modes) {
      const policy = parsePolicy({ secrets, audit: { level: 'debug', logAllowed: true } });
      const sink = memoryAuditSink();
      const lines: string[] = [];
      const console = consoleAuditSink({ write: (line) => lines.push(line) });
      // Outside tool inputs the secret appears in a detectable form (a bare password is just text).
      const labelled = `token=${secret}`;
      const checkAccess: ToolAccessCheck = (principal) =>
        principal?.id === 'blocked'
          ? { allow: false, reason: `blocked while holding ${labelled}` }
          : { allow: true };
      const guard = createSecurityGuard({
        policy,
        sink: {
          write: (event) => {
            sink.write(event);
            console.write(event);
          },
        },
        checkAccess,
      });
      const registry = createToolRegistry({ policies: [guard.hook] }).register(guard.wrap(echo));
      for (const input of inputs(secret)) {
        await registry.dispatch({ name: 'echo', input, id: `call ${labelled}` });
        await registry.dispatch(
          { name: 'echo', input },
          { principal: { id: 'blocked', roles: [] } },
        );
        await registry.dispatch(
          { name: 'echo', input },
          { principal: { id: `user ${labelled}`, roles: [] } },
        );
      }
      guard.lockdown.activate(undefined, {
        message: `lockdown: leaked ${labelled}`,
        principalId: 'oncall',
      });
      await registry.dispatch({ name: 'echo', input: { text: secret } });
      guard.lockdown.lift();
      guard.audit?.record({
        type: 'auth.failed',
        method: 'api_key',
        reason: 'auth_invalid',
        message: `bad ${labelled}`,
      });
      guard.audit?.record({
        type: 'policy.violation',
        reason: 'url_denied',
        message: 'x',
        detail: { url: `https://u:${secret}@h`, token: secret },
      });

      expect(sink.events.length).toBeGreaterThan(inputs(secret).length * 2);
      const types = new Set(sink.events.map((e) => e.type));
      for (const type of [
        'auth.failed',
        'lockdown.changed',
        'policy.violation',
        'tool.denied',
      ] as const) {
        expect(types.has(type)).toBe(true);
      }
      if (secrets?.onInput !== 'reject') expect(types.has('tool.allowed')).toBe(true);
      expect(JSON.stringify(sink.events)).not.toContain(secret);
      expect(lines.join('\n')).not.toContain(secret);
      expect(lines).toHaveLength(sink.events.length);
    }
  });
});

describe('audit events', () => {
  it('carry an id, an ISO timestamp, a severity, the principal, the tool and a reason code', async () => {
    const sink = memoryAuditSink();
    const guard = createSecurityGuard({ policy: DEFAULT_POLICY, sink });
    const registry = createToolRegistry({ policies: [guard.hook] }).register(echo);
    await registry.dispatch(
      { name: 'echo', input: 'hi', id: 'c1' },
      { principal: { id: 'ada', roles: [] } },
    );
    await registry.dispatch({ name: 'echo', input: 'AKIAIOSFODNN7EXAMPLE' });
    const [allowed, denied] = sink.events;
    expect(allowed).toMatchObject({
      type: 'tool.allowed',
      severity: 'info',
      principalId: 'ada',
      tool: 'echo',
      reason: 'allowed',
      callId: 'c1',
    });
    expect(allowed?.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(new Date(allowed?.timestamp ?? '').toISOString()).toBe(allowed?.timestamp);
    expect(denied).toMatchObject({
      type: 'tool.denied',
      severity: 'error',
      tool: 'echo',
      reason: 'secret_detected',
      detectors: ['aws_access_key_id'],
    });
    expect(denied).not.toHaveProperty('principalId');
    expect(denied?.id).not.toBe(allowed?.id);
  });

  it('use the injected clock and id generator', () => {
    const sink = memoryAuditSink();
    let n = 0;
    const audit = createAuditLogger({ sink, now: () => 0, newId: () => `id-${++n}` });
    audit.record({
      type: 'auth.succeeded',
      principalId: 'ada',
      method: 'jwt',
      reason: 'authenticated',
    });
    expect(sink.events).toEqual([
      {
        id: 'id-1',
        timestamp: '1970-01-01T00:00:00.000Z',
        severity: 'info',
        type: 'auth.succeeded',
        principalId: 'ada',
        method: 'jwt',
        reason: 'authenticated',
      },
    ]);
  });

  it('default severities follow the event and its reason', () => {
    expect(defaultSeverity({ type: 'tool.allowed', reason: 'allowed' })).toBe('info');
    expect(defaultSeverity({ type: 'tool.denied', reason: 'permission_denied' })).toBe('warning');
    expect(defaultSeverity({ type: 'tool.denied', reason: 'secret_detected' })).toBe('error');
    expect(defaultSeverity({ type: 'policy.violation', reason: 'url_denied' })).toBe('error');
    expect(defaultSeverity({ type: 'auth.failed', reason: 'auth_invalid' })).toBe('warning');
    expect(defaultSeverity({ type: 'lockdown.changed', reason: 'lifted' })).toBe('critical');
  });
});

describe('audit filtering', () => {
  const record = (policy: SecurityPolicyInput['audit']) => {
    const sink = memoryAuditSink();
    const audit = createAuditLogger({ sink, policy: parsePolicy({ audit: policy }).audit });
    audit.record({ type: 'tool.allowed', tool: 't', reason: 'allowed' });
    audit.record({ type: 'tool.denied', tool: 't', reason: 'permission_denied', message: 'no' });
    audit.record({ type: 'tool.denied', tool: 't', reason: 'secret_detected', message: 'no' });
    audit.record({ type: 'auth.failed', method: 'jwt', reason: 'auth_expired', severity: 'debug' });
    return sink.events.map((e) => `${e.type}/${e.reason}`);
  };

  it('drops events under audit.level', () => {
    expect(record({ level: 'debug' })).toHaveLength(4);
    expect(record({ level: 'warning' })).toEqual([
      'tool.denied/permission_denied',
      'tool.denied/secret_detected',
    ]);
    expect(record({ level: 'error' })).toEqual(['tool.denied/secret_detected']);
    expect(record({ level: 'critical' })).toEqual([]);
  });

  it('drops allowed calls unless logAllowed, and everything when disabled', () => {
    expect(record({ logAllowed: false })).toEqual([
      'tool.denied/permission_denied',
      'tool.denied/secret_detected',
    ]);
    expect(record({ enabled: false })).toEqual([]);
  });

  it('redacts only when redactSecrets is on', () => {
    const secret = 'AKIAIOSFODNN7EXAMPLE';
    for (const redactSecrets of [true, false]) {
      const sink = memoryAuditSink();
      const audit = createAuditLogger({ sink, policy: { ...DEFAULT_POLICY.audit, redactSecrets } });
      audit.record({
        type: 'auth.failed',
        method: 'api_key',
        reason: 'auth_invalid',
        message: `key ${secret}`,
      });
      expect(JSON.stringify(sink.events).includes(secret)).toBe(!redactSecrets);
    }
  });

  it('redacts custom secrets with the guard policy extra patterns', async () => {
    const sink = memoryAuditSink();
    const guard = createSecurityGuard({
      policy: parsePolicy({ secrets: { extraPatterns: ['ACME-[0-9]{6}'] } }),
      sink,
    });
    guard.lockdown.activate(undefined, { message: 'token ACME-123456 leaked' });
    expect(sink.events[0]?.message).toBe('token [REDACTED] leaked');
  });
});

describe('audit sinks', () => {
  it('a sink that throws or rejects never breaks a call, and onError hears about it', async () => {
    const failures: unknown[] = [];
    for (const write of [
      () => {
        throw new Error('disk full');
      },
      () => Promise.reject(new Error('network down')),
    ]) {
      const audit = createAuditLogger({
        sink: { write },
        onError: (error) => failures.push(error),
      });
      const guard = createSecurityGuard({ audit });
      const registry = createToolRegistry({ policies: [guard.hook] }).register(echo);
      expect(await registry.dispatch({ name: 'echo', input: 'ok' })).toEqual({
        ok: true,
        output: 'ok',
      });
      expect(
        denialCode(await registry.dispatch({ name: 'echo', input: 'AKIAIOSFODNN7EXAMPLE' })),
      ).toBe('secret_detected');
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures.map((e) => (e as Error).message)).toEqual([
      'disk full',
      'disk full',
      'network down',
      'network down',
    ]);
    const silent = createAuditLogger({
      sink: { write: () => Promise.reject(new Error('x')) },
      onError: () => {
        throw new Error('onError must not throw, but if it does the call goes on');
      },
    });
    expect(silent.record({ type: 'tool.allowed', tool: 't', reason: 'allowed' })).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

  it('consoleAuditSink writes one JSON line per event, through console.log by default', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const audit = createAuditLogger({ sink: consoleAuditSink(), newId: () => 'i', now: () => 0 });
      audit.record({ type: 'tool.allowed', tool: 't', reason: 'allowed' });
      expect(log).toHaveBeenCalledTimes(1);
      const line = String(log.mock.calls[0]?.[0]);
      expect(line).not.toContain('\n');
      expect(JSON.parse(line)).toMatchObject({ id: 'i', type: 'tool.allowed', tool: 't' });
    } finally {
      log.mockRestore();
    }
    const lines: string[] = [];
    const sink = consoleAuditSink({ write: (line) => lines.push(line) });
    sink.write({
      type: 'policy.violation',
      id: '1',
      timestamp: 't',
      severity: 'error',
      reason: 'url_denied',
      message: 'm',
      detail: { n: 10n },
    } as AuditEvent);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      detail: '[UNSERIALISABLE]',
      reason: 'url_denied',
    });
  });

  it('memoryAuditSink keeps the newest maxEvents, oldest first, and can be cleared', () => {
    const sink = memoryAuditSink({ maxEvents: 3 });
    const audit = createAuditLogger({ sink });
    for (let i = 0; i < 5; i++)
      audit.record({ type: 'tool.allowed', tool: `t${i}`, reason: 'allowed' });
    expect(sink.events.map((e) => e.tool)).toEqual(['t2', 't3', 't4']);
    sink.clear();
    expect(sink.events).toEqual([]);
    expect(() => memoryAuditSink({ maxEvents: 0 })).toThrow(ValidationError);
  });

  it('createAuditLogger refuses a sink without write', () => {
    expect(() => createAuditLogger({ sink: {} as never })).toThrow(ValidationError);
  });
});

function denialCode(
  result: Awaited<ReturnType<ReturnType<typeof createToolRegistry>['dispatch']>>,
): unknown {
  return result.ok ? undefined : (result.error.data as { detail?: { code?: string } }).detail?.code;
}
