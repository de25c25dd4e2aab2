import {
  agentId,
  broadcastGather,
  createApiKeyManager,
  createAuditLogger,
  createCoordinator,
  createPipeline,
  createRbac,
  createSecretScanner,
  createSecurityGuard,
  createSupervisor,
  createToolRegistry,
  createVault,
  inMemoryMemory,
  inProcessMesh,
  inProcessNetwork,
  isSkreaverError,
  textPayload,
} from 'skreaver';
import { afterAll, describe, expect, it } from 'vitest';

const sink = { write: () => {} };

/** Each factory with a misspelt option, and the option it meant. */
const cases: [string, () => unknown, string, string][] = [
  ['createToolRegistry', () => createToolRegistry({ timeout: 5 } as never), 'timeout', 'timeoutMs'],
  [
    'createCoordinator',
    () => createCoordinator({ registry: createToolRegistry(), maxRound: 3 } as never),
    'maxRound',
    'maxRounds',
  ],
  [
    'inMemoryMemory',
    () => inMemoryMemory({ maxValueByte: 10 } as never),
    'maxValueByte',
    'maxValueBytes',
  ],
  ['createApiKeyManager', () => createApiKeyManager({ prefx: 'sk' } as never), 'prefx', 'prefix'],
  ['createRbac', () => createRbac({ defaultDenny: true } as never), 'defaultDenny', 'defaultDeny'],
  ['createVault', () => createVault({ envvar: 'X' } as never), 'envvar', 'envVar'],
  ['createSecurityGuard', () => createSecurityGuard({ polcy: {} } as never), 'polcy', 'policy'],
  [
    'createSecretScanner',
    () => createSecretScanner({ maxLenght: 5 } as never),
    'maxLenght',
    'maxLength',
  ],
  [
    'inProcessMesh',
    () => inProcessMesh({ maxDelivery: 3 } as never),
    'maxDelivery',
    'maxDeliveries',
  ],
  ['inProcessNetwork', () => inProcessNetwork({ nuw: () => 0 } as never), 'nuw', 'now'],
  [
    'createPipeline',
    () => createPipeline({ mesh, from: agentId('p'), stages: [], stageTimeout: 5 } as never),
    'stageTimeout',
    'stageTimeoutMs',
  ],
  [
    'createAuditLogger',
    () => createAuditLogger({ sink, onErorr: () => {} } as never),
    'onErorr',
    'onError',
  ],
];

const mesh = inProcessMesh();
afterAll(() => mesh.close());

/** The same, for factories that answer with a promise. */
const asyncCases: [string, () => Promise<unknown>, string, string][] = [
  [
    'createSupervisor',
    () =>
      createSupervisor({ mesh, id: agentId('sup'), workers: [agentId('w')], maxRetry: 2 } as never),
    'maxRetry',
    'maxRetries',
  ],
  [
    'broadcastGather',
    () =>
      broadcastGather(mesh, {
        from: agentId('g'),
        targets: [agentId('t')],
        payload: textPayload('x'),
        timeout: 5,
      } as never),
    'timeout',
    'timeoutMs',
  ],
];

describe('unknown options', () => {
  it.each(cases)(
    '%s refuses a misspelt option and names the one it meant',
    (factory, make, option, meant) => {
      let thrown: unknown;
      try {
        make();
      } catch (error) {
        thrown = error;
      }
      expect(isSkreaverError(thrown, 'invalid_options')).toBe(true);
      const error = thrown as { message: string; data: Record<string, unknown> };
      expect(error.data).toMatchObject({ option, unknown: [option], suggestion: meant });
      expect(error.message).toContain(factory);
      expect(error.message).toContain(`Did you mean '${meant}'?`);
    },
  );

  it.each(asyncCases)(
    '%s rejects a misspelt option and names the one it meant',
    async (factory, make, option, meant) => {
      const error = await make().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(isSkreaverError(error, 'invalid_options')).toBe(true);
      expect((error as { data: unknown }).data).toMatchObject({ option, suggestion: meant });
      expect((error as Error).message).toContain(factory);
    },
  );

  it('lists every unknown option, and suggests nothing for a name unlike any option', () => {
    let thrown: unknown;
    try {
      createToolRegistry({ tools: [], color: 'red' } as never);
    } catch (error) {
      thrown = error;
    }
    const error = thrown as { code: string; message: string; data: Record<string, unknown> };
    expect(error.code).toBe('invalid_options');
    expect(error.data).toEqual({ option: 'tools', unknown: ['tools', 'color'] });
    expect(error.message).toContain("(and 'color')");
    expect(error.message).toContain('Its options: timeoutMs,');
  });

  it('takes options whose value is undefined, and no options at all', () => {
    expect(() => createToolRegistry({ timeoutMs: undefined } as never)).not.toThrow();
    expect(() => createToolRegistry()).not.toThrow();
    expect(() => inMemoryMemory(undefined)).not.toThrow();
  });
});
