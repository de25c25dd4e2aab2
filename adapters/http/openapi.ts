import type { JsonSchema } from 'skreaver';
import { RETRY_AFTER_HEADERS, type RouteDefinition } from './_routes.js';
import { type HttpErrorCode, httpStatusOf } from './error-status.js';

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = Readonly<Record<string, unknown>>;

/** What the document is built from: the same route table and schemas the router uses. */
export interface OpenApiInput {
  readonly title: string;
  readonly version: string;
  readonly servers: readonly string[];
  readonly routes: readonly RouteDefinition[];
  readonly schemas: Readonly<Record<string, JsonSchema>>;
  /** Permission per operation id, for protected routes. */
  readonly permissions: Readonly<Record<string, string | null>>;
  /** Which credentials are accepted; empty when auth is off. */
  readonly schemes: readonly ('bearerAuth' | 'apiKeyAuth')[];
  /** Whether `/metrics` is public. */
  readonly publicMetrics: boolean;
}

const SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT; API keys are accepted as bearer tokens too.',
  },
  apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
} as const;

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };

function errorCodes(route: RouteDefinition, secured: boolean): HttpErrorCode[] {
  const codes = new Set<HttpErrorCode>(route.errors);
  if (route.path.includes('{id}')) codes.add('invalid_identifier');
  if (route.body !== undefined) {
    for (const code of [
      'invalid_input',
      'unsupported_media_type',
      'size_limit_exceeded',
      'client_timeout',
    ] as const) {
      codes.add(code);
    }
  }
  if (secured) {
    for (const code of [
      'auth_required',
      'auth_invalid',
      'auth_expired',
      'permission_denied',
    ] as const) {
      codes.add(code);
    }
  }
  const probe = route.path === '/health' || route.path === '/ready';
  if (!probe) {
    for (const code of [
      'rate_limited',
      'resource_exhausted',
      'shutting_down',
      'request_timeout',
    ] as const) {
      codes.add(code);
    }
  }
  codes.add('internal_error');
  return [...codes];
}

function errorResponses(codes: readonly HttpErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, HttpErrorCode[]>();
  for (const code of codes) {
    const status = httpStatusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response: Record<string, unknown> = {
      description: `Error body; codes: ${list.map((code) => `\`${code}\``).join(', ')}.`,
      content: errorContent,
    };
    if (status === 429 || status === 503) {
      response.headers = {
        'Retry-After': {
          description: RETRY_AFTER_HEADERS['Retry-After'],
          schema: { type: 'integer' },
        },
      };
    }
    responses[String(status)] = response;
  }
  return responses;
}

function operation(route: RouteDefinition, input: OpenApiInput): Record<string, unknown> {
  const secured =
    input.schemes.length > 0 &&
    (route.access === 'protected' || (route.access === 'metrics' && !input.publicMetrics));
  const permission = secured ? input.permissions[route.operationId] : undefined;
  const op: Record<string, unknown> = {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
  };
  const notes = [
    route.description,
    permission ? `Requires the permission \`${permission}\`.` : undefined,
  ]
    .filter((note) => note !== undefined)
    .join(' ');
  if (notes !== '') op.description = notes;
  if (permission) op['x-required-permission'] = permission;
  op.security = secured ? input.schemes.map((scheme) => ({ [scheme]: [] })) : [];
  if (route.path.includes('{id}')) {
    op.parameters = [
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'The agent id: 1 to 128 ASCII letters, digits, `_` or `-`.',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
      },
    ];
  }
  if (route.body !== undefined) {
    op.requestBody = {
      required: route.bodyOptional !== true,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.body}` } } },
    };
  }
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const entry: Record<string, unknown> = { description: response.description };
    if (response.schema !== undefined || response.contentType !== undefined) {
      const type = response.contentType ?? 'application/json';
      entry.content = {
        [type]: {
          schema:
            response.schema === undefined
              ? { type: 'string' }
              : { $ref: `#/components/schemas/${response.schema}` },
        },
      };
    }
    if (response.headers !== undefined) {
      entry.headers = Object.fromEntries(
        Object.entries(response.headers).map(([name, description]) => [
          name,
          { description, schema: { type: 'string' } },
        ]),
      );
    }
    responses[status] = entry;
  }
  op.responses = { ...responses, ...errorResponses(errorCodes(route, secured)) };
  return op;
}

/**
 * Builds the OpenAPI 3.1 document from the route table: every mounted route,
 * every schema, the accepted auth schemes, and each route's error responses
 * (the codes it can answer, grouped by status).
 */
export function buildOpenApiDocument(input: OpenApiInput): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of input.routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(
      route,
      input,
    );
  }
  const components: Record<string, unknown> = { schemas: input.schemas };
  if (input.schemes.length > 0) {
    components.securitySchemes = Object.fromEntries(input.schemes.map((s) => [s, SCHEMES[s]]));
  }
  const document: Record<string, unknown> = {
    openapi: '3.1.0',
    info: {
      title: input.title,
      version: input.version,
      description:
        'The skreaver HTTP runtime: agent instances, steps, streams and batches. Every failure answers `{ "error": { "code", "message", "requestId" } }`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
  };
  if (input.servers.length > 0) document.servers = input.servers.map((url) => ({ url }));
  document.tags = [
    { name: 'health', description: 'Probes and metrics' },
    { name: 'auth', description: 'Tokens' },
    { name: 'agents', description: 'Agent instances and their steps' },
    { name: 'docs', description: 'This document' },
  ];
  document.paths = paths;
  document.components = components;
  return document;
}
