import type { Handler } from 'hono';
import type { CompiledJsonSchema } from 'skreaver';
import type { RuntimeState } from './_admission.js';
import type { InternalAgentRegistry } from './_agent-registry.js';
import { findCredential, verifyApiKey } from './_auth.js';
import { readJsonBody } from './_body.js';
import type { HttpEnv } from './_context.js';
import type { ResolvedSettings } from './_resolve-options.js';
import type { HttpMetrics } from './metrics.js';
import type { OpenApiDocument } from './openapi.js';
import { HttpProblem, jsonResponse, respond } from './problem.js';
import { type ReadinessReport, readinessCode } from './readiness.js';

/** What the system handlers need. */
export interface SystemHandlerDeps {
  readonly settings: ResolvedSettings;
  readonly state: RuntimeState;
  readonly registry: InternalAgentRegistry;
  readonly metrics: HttpMetrics;
  readonly schemas: Readonly<Record<string, CompiledJsonSchema>>;
  readonly ready: () => Promise<ReadinessReport>;
  readonly document: OpenApiDocument;
  readonly startedAt: number;
  readonly now: () => number;
}

const SERVICE = 'skreaver-http-runtime';

function docsPage(uiUrl: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Skreaver HTTP Runtime API</title>
<link rel="stylesheet" href="${uiUrl}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${uiUrl}/swagger-ui-bundle.js" crossorigin></script>
<script>${script}</script>
</body>
</html>
`;
}

async function scriptHash(script: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(script));
  let binary = '';
  for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
  return `'sha256-${btoa(binary)}'`;
}

function builtinMetrics(deps: SystemHandlerDeps): string {
  const gauge = (name: string, help: string, value: number) =>
    `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
  return (
    gauge('skreaver_http_requests_in_flight', 'Requests being handled.', deps.state.inFlight) +
    gauge('skreaver_agents', 'Agent instances.', deps.registry.size) +
    gauge(
      'skreaver_uptime_seconds',
      'Seconds since the runtime started.',
      Math.floor((deps.now() - deps.startedAt) / 1000),
    )
  );
}

/** The handlers of the health, metrics, token and docs routes. */
export function systemHandlers(deps: SystemHandlerDeps): Record<string, Handler<HttpEnv>> {
  const { settings, schemas } = deps;
  const documentText = JSON.stringify(deps.document);
  const uiUrl = settings.openapi?.swaggerUiUrl ?? '';
  const script = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });`;
  const page = docsPage(uiUrl, script);
  let policy: Promise<string> | undefined;
  const uiOrigin = (() => {
    try {
      return new URL(uiUrl).origin;
    } catch {
      return "'self'";
    }
  })();

  return {
    getHealth: (c) =>
      jsonResponse(c, 200, {
        status: 'ok',
        service: SERVICE,
        version: settings.version,
        uptimeSeconds: Math.floor((deps.now() - deps.startedAt) / 1000),
        timestamp: new Date(deps.now()).toISOString(),
      }),

    getReady: async (c) => {
      const report = await deps.ready();
      if (report.status === 'ready') {
        const { failing: _failing, ...body } = report;
        return jsonResponse(c, 200, body);
      }
      const reasons = report.failing.map((name) => {
        const reason = report.components[name]?.reason;
        return reason === undefined ? name : `${name} (${reason})`;
      });
      throw new HttpProblem(
        readinessCode(report.failing[0] ?? ''),
        `Not ready: ${reasons.join(', ')}.`,
        {
          details: { failing: report.failing, components: report.components },
          headers: { 'Retry-After': '5' },
        },
      );
    },

    getMetrics: async (c) => {
      const { metrics } = deps;
      const text =
        metrics.render !== undefined
          ? await metrics.render()
          : metrics.metrics !== undefined
            ? await metrics.metrics()
            : builtinMetrics(deps);
      return respond(c, 200, text, {
        'Content-Type': deps.metrics.contentType ?? 'text/plain; version=0.0.4; charset=utf-8',
      });
    },

    issueToken: async (c) => {
      const auth = settings.auth;
      if (auth?.issuer === undefined)
        throw new HttpProblem('route_not_found', 'No route POST /auth/token.');
      const credential = findCredential(c);
      if (credential === undefined || credential.kind !== 'api_key') {
        throw new HttpProblem(
          credential === undefined ? 'auth_required' : 'auth_invalid',
          'POST /auth/token exchanges an API key: send it as X-API-Key (or Authorization: Bearer <key>).',
          { headers: { 'WWW-Authenticate': 'Bearer realm="skreaver"' } },
        );
      }
      const body = await readJsonBody(c, settings.limits.maxBodyBytes, undefined, true);
      if (body !== undefined && schemas.TokenRequest?.check(body).length !== 0) {
        throw new HttpProblem(
          'invalid_input',
          "POST /auth/token takes no parameters: the token carries the API key's own principal and roles, never ones the caller asks for.",
          { details: { reason: 'token_request' } },
        );
      }
      const principal = await verifyApiKey(auth, credential.value);
      const issued = await auth.issuer.issue({ id: principal.id, roles: principal.roles });
      return jsonResponse(c, 200, {
        token: issued.accessToken,
        tokenType: 'Bearer',
        expiresIn: issued.expiresIn,
        principal: principal.id,
        roles: principal.roles,
      });
    },

    getOpenApi: (c) =>
      respond(c, 200, documentText, { 'Content-Type': 'application/json; charset=utf-8' }),

    getDocs: async (c) => {
      policy ??= scriptHash(script).then(
        (hash) =>
          `default-src 'none'; script-src ${uiOrigin} ${hash}; style-src ${uiOrigin} 'unsafe-inline'; img-src 'self' data: ${uiOrigin}; connect-src 'self'; frame-ancestors 'none'`,
      );
      return respond(c, 200, page, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': await policy,
      });
    },
  };
}
