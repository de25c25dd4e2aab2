import type { JsonSchema } from 'skreaver';
import { HTTP_ERROR_STATUS } from './error-status.js';

/** Settings the schemas depend on. */
export interface SchemaSettings {
  readonly maxBatchItems: number;
  readonly maxBatchParallel: number;
  readonly agentTypes: readonly string[];
}

const isoTime: JsonSchema = { type: 'string', format: 'date-time' };
const errorJson: JsonSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  required: ['code', 'message'],
};

/**
 * Every request and response schema, by name. Request schemas are both
 * enforced (with the core's `checkJsonSchema`) and published in the OpenAPI
 * document, so the two cannot drift apart.
 */
export function buildSchemas(settings: SchemaSettings): Record<string, JsonSchema> {
  const agentInfo: JsonSchema = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      type: { type: 'string', enum: settings.agentTypes },
      status: { type: 'string', enum: ['idle', 'busy', 'removing'] },
      createdAt: isoTime,
      lastActivityAt: { type: ['string', 'null'], format: 'date-time' },
      steps: { type: 'integer', minimum: 0 },
      failures: { type: 'integer', minimum: 0 },
      queued: { type: 'integer', minimum: 0 },
      config: { type: 'object' },
    },
    required: [
      'id',
      'type',
      'status',
      'createdAt',
      'lastActivityAt',
      'steps',
      'failures',
      'queued',
    ],
  };
  const toolCall: JsonSchema = {
    type: 'object',
    properties: {
      name: { type: 'string' },
      id: { type: 'string' },
      input: {},
      round: { type: 'integer', minimum: 1 },
      ok: { type: 'boolean' },
      output: {},
      error: errorJson,
      durationMs: { type: 'number' },
    },
    required: ['name', 'input', 'round', 'ok', 'durationMs'],
  };
  const stepReport: JsonSchema = {
    type: 'object',
    properties: {
      agentId: { type: 'string' },
      step: { type: 'integer', minimum: 1 },
      result: { description: "What the agent's act() returned." },
      toolCalls: { type: 'array', items: { $ref: '#/components/schemas/ToolCallReport' } },
      rounds: { type: 'integer', minimum: 0 },
      durationMs: { type: 'number' },
      timestamp: isoTime,
    },
    required: ['agentId', 'step', 'result', 'toolCalls', 'rounds', 'durationMs', 'timestamp'],
  };
  const parallel: JsonSchema = { type: 'integer', minimum: 1, maximum: settings.maxBatchParallel };
  return {
    ErrorBody: {
      type: 'object',
      properties: {
        error: {
          type: 'object',
          properties: {
            code: { type: 'string', enum: Object.keys(HTTP_ERROR_STATUS) },
            message: { type: 'string' },
            requestId: { type: 'string' },
            details: { description: 'Structured details for some codes.' },
          },
          required: ['code', 'message', 'requestId'],
        },
      },
      required: ['error'],
    },
    Health: {
      type: 'object',
      properties: {
        status: { type: 'string', const: 'ok' },
        service: { type: 'string' },
        version: { type: 'string' },
        uptimeSeconds: { type: 'integer', minimum: 0 },
        timestamp: isoTime,
      },
      required: ['status', 'service', 'version', 'uptimeSeconds', 'timestamp'],
    },
    Readiness: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ready', 'not_ready'] },
        components: {
          type: 'object',
          additionalProperties: { $ref: '#/components/schemas/ComponentHealth' },
        },
        timestamp: isoTime,
      },
      required: ['status', 'components', 'timestamp'],
    },
    ComponentHealth: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ok', 'down', 'not_configured'] },
        latencyMs: { type: 'number' },
        reason: { type: 'string' },
      },
      required: ['status'],
    },
    TokenRequest: {
      type: 'object',
      description:
        "Empty: the token carries the API key's own principal and roles, never ones the caller asks for.",
      properties: {},
      additionalProperties: false,
    },
    TokenResponse: {
      type: 'object',
      properties: {
        token: { type: 'string' },
        tokenType: { type: 'string', const: 'Bearer' },
        expiresIn: { type: 'integer', minimum: 1 },
        principal: { type: 'string' },
        roles: { type: 'array', items: { type: 'string' } },
      },
      required: ['token', 'tokenType', 'expiresIn', 'principal', 'roles'],
    },
    CreateAgentRequest: {
      description:
        "`{ type, id?, config? }`, or the original's `{ spec: { agent_type, name?, config? } }`.",
      anyOf: [
        {
          type: 'object',
          properties: {
            type: { type: 'string', minLength: 1 },
            id: { type: 'string', minLength: 1, maxLength: 128 },
            config: { type: 'object' },
          },
          required: ['type'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              properties: {
                agent_type: {
                  anyOf: [
                    { type: 'string', minLength: 1 },
                    {
                      type: 'object',
                      properties: { custom: { type: 'string', minLength: 1 } },
                      required: ['custom'],
                      additionalProperties: false,
                    },
                  ],
                },
                name: { type: ['string', 'null'], maxLength: 64 },
                config: { type: 'object' },
                limits: { type: 'object' },
              },
              required: ['agent_type'],
            },
          },
          required: ['spec'],
          additionalProperties: false,
        },
      ],
    },
    CreateAgentResponse: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        type: { type: 'string' },
        status: { type: 'string', enum: ['idle', 'busy', 'removing'] },
      },
      required: ['id', 'type', 'status'],
    },
    AgentInfo: agentInfo,
    AgentList: {
      type: 'object',
      properties: {
        agents: { type: 'array', items: { $ref: '#/components/schemas/AgentInfo' } },
        total: { type: 'integer', minimum: 0 },
        types: { type: 'array', items: { type: 'string' } },
      },
      required: ['agents', 'total', 'types'],
    },
    AgentStatus: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        status: { type: 'string', enum: ['idle', 'busy', 'removing'] },
        queued: { type: 'integer', minimum: 0 },
        steps: { type: 'integer', minimum: 0 },
        failures: { type: 'integer', minimum: 0 },
        lastActivityAt: { type: ['string', 'null'], format: 'date-time' },
      },
      required: ['id', 'status', 'queued', 'steps', 'failures', 'lastActivityAt'],
    },
    QueueMetrics: {
      type: 'object',
      properties: {
        agentId: { type: ['string', 'null'], description: 'null for the whole runtime' },
        queueSize: { type: 'integer', minimum: 0 },
        activeRequests: { type: 'integer', minimum: 0 },
        totalProcessed: { type: 'integer', minimum: 0 },
        totalTimeouts: { type: 'integer', minimum: 0 },
        totalRejections: { type: 'integer', minimum: 0 },
        avgProcessingTimeMs: { type: 'number', minimum: 0 },
        loadFactor: { type: 'number', minimum: 0 },
        timestamp: { type: 'string', format: 'date-time' },
      },
      required: [
        'agentId',
        'queueSize',
        'activeRequests',
        'totalProcessed',
        'totalTimeouts',
        'totalRejections',
        'avgProcessingTimeMs',
        'loadFactor',
        'timestamp',
      ],
    },
    ObserveRequest: {
      type: 'object',
      properties: {
        input: { description: "The observation; must match the agent type's input schema." },
        stream: { type: 'boolean', description: 'Accepted for compatibility and ignored.' },
      },
      required: ['input'],
      additionalProperties: false,
    },
    ToolCallReport: toolCall,
    StepReport: stepReport,
    StepEvent: {
      type: 'object',
      description:
        'One SSE event: `queued`, `step.started`, `tool.called`, `tool.result`, `step.finished`, `step.failed`; then `result` (a StepReport) or `error` (an ErrorBody).',
      properties: { type: { type: 'string' }, agentId: { type: 'string' } },
      required: ['type', 'agentId'],
    },
    BatchRequest: {
      type: 'object',
      properties: {
        inputs: { type: 'array', minItems: 1, maxItems: settings.maxBatchItems },
        parallelLimit: parallel,
        parallel_limit: { ...parallel, description: 'The original spelling of parallelLimit.' },
        stream: { type: 'boolean', description: 'Accepted for compatibility and ignored.' },
      },
      required: ['inputs'],
      additionalProperties: false,
    },
    BatchItem: {
      type: 'object',
      properties: {
        index: { type: 'integer', minimum: 0 },
        ok: { type: 'boolean' },
        report: { $ref: '#/components/schemas/StepReport' },
        error: {
          type: 'object',
          properties: { code: { type: 'string' }, message: { type: 'string' } },
          required: ['code', 'message'],
        },
      },
      required: ['index', 'ok'],
    },
    BatchResponse: {
      type: 'object',
      properties: {
        agentId: { type: 'string' },
        results: { type: 'array', items: { $ref: '#/components/schemas/BatchItem' } },
        succeeded: { type: 'integer', minimum: 0 },
        failed: { type: 'integer', minimum: 0 },
        durationMs: { type: 'number' },
      },
      required: ['agentId', 'results', 'succeeded', 'failed', 'durationMs'],
    },
  };
}
