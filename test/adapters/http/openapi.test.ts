import { Validator } from '@seriousme/openapi-schema-validator';
import { createApiKeyManager, createRbac } from 'skreaver';
import { createJwtAuth } from 'skreaver/auth/jwt';
import { createHttpRuntime, HTTP_ERROR_STATUS, type HttpRuntime } from 'skreaver/http';
import { afterAll, describe, expect, it } from 'vitest';
import { echoAgent, SECRET, uppercaseTool } from './_harness.js';

const jwt = createJwtAuth({ secret: SECRET });
const runtimes: HttpRuntime[] = [];
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
});

function runtime(options: Partial<Parameters<typeof createHttpRuntime>[0]> = {}): HttpRuntime {
  const made = createHttpRuntime({
    agentTypes: {
      echo: {
        description: 'Echo',
        create: () => echoAgent(),
        tools: [uppercaseTool()],
        configSchema: { type: 'object', properties: { mood: { type: 'string' } } },
      },
    },
    auth: { tokens: jwt, apiKeys: createApiKeyManager(), issuer: jwt, rbac: createRbac() },
    version: '1.2.3',
    openapi: { servers: ['https://agents.example.com'] },
    ...options,
  });
  runtimes.push(made);
  return made;
}

type Operation = {
  operationId: string;
  security: unknown[];
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  'x-required-permission'?: string;
};
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refs(inner, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (standard validator)', async () => {
    const doc = runtime().document as Doc;
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.info).toMatchObject({ title: 'Skreaver HTTP Runtime API', version: '1.2.3' });
  });

  it('documents every route from the same table the router uses', async () => {
    const doc = runtime().document as Doc;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`,
      ),
    );
    expect(operations.sort()).toEqual(
      [
        'DELETE /agents/{id} deleteAgent',
        'GET /agents listAgents',
        'GET /agents/{id} getAgent',
        'GET /agents/{id}/queue/metrics getAgentQueueMetrics',
        'GET /agents/{id}/status getAgentStatus',
        'GET /docs getDocs',
        'GET /health getHealth',
        'GET /metrics getMetrics',
        'GET /openapi.json getOpenApi',
        'GET /queue/metrics getQueueMetrics',
        'GET /ready getReady',
        'POST /agents createAgent',
        'POST /agents/{id}/batch batchObserve',
        'POST /agents/{id}/observe observeAgent',
        'POST /agents/{id}/observe/stream observeAgentStream',
        'POST /auth/token issueToken',
      ].sort(),
    );
  });

  it('declares the auth schemes, permissions and error responses of each route', async () => {
    const doc = runtime().document as Doc;
    expect(Object.keys(doc.components.securitySchemes ?? {})).toEqual(['bearerAuth', 'apiKeyAuth']);
    const create = (doc.paths['/agents'] as Record<string, Operation>).post as Operation;
    expect(create.security).toEqual([{ bearerAuth: [] }, { apiKeyAuth: [] }]);
    expect(create['x-required-permission']).toBe('agent:manage');
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining([
        '201',
        '400',
        '401',
        '403',
        '409',
        '413',
        '415',
        '429',
        '500',
        '503',
        '504',
      ]),
    );
    expect(create.requestBody?.content['application/json']?.schema.$ref).toBe(
      '#/components/schemas/CreateAgentRequest',
    );
    const health = (doc.paths['/health'] as Record<string, Operation>).get as Operation;
    expect(health.security).toEqual([]);
    expect(Object.keys(health.responses)).toEqual(['200', '500']);
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) {
            expect(response.content?.['application/json']?.schema.$ref).toBe(
              '#/components/schemas/ErrorBody',
            );
          }
        }
      }
    }
  });

  it('resolves every $ref and lists every error code in ErrorBody', () => {
    const doc = runtime().document as Doc;
    for (const ref of refs(doc)) {
      const name = ref.replace('#/components/schemas/', '');
      expect(doc.components.schemas, ref).toHaveProperty(name);
    }
    const codes = (
      doc.components.schemas.ErrorBody as {
        properties: { error: { properties: { code: { enum: string[] } } } };
      }
    ).properties.error.properties.code.enum;
    expect(codes.sort()).toEqual(Object.keys(HTTP_ERROR_STATUS).sort());
  });

  it('follows the options: no docs routes, no token route, no security with auth off', async () => {
    const doc = runtime({ openapi: false, auth: false }).document as Doc;
    expect(doc.paths['/docs']).toBeUndefined();
    expect(doc.paths['/openapi.json']).toBeUndefined();
    expect(doc.paths['/auth/token']).toBeUndefined();
    expect(doc.components.securitySchemes).toBeUndefined();
    expect((doc.paths['/agents'] as Record<string, Operation>).post?.security).toEqual([]);
    const validator = new Validator();
    expect((await validator.validate(structuredClone(doc) as Record<string, unknown>)).valid).toBe(
      true,
    );
  });
});
