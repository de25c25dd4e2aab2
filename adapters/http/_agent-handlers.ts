import type { Handler } from 'hono';
import { type CompiledJsonSchema, safeNonEmptyArray, safeParseAgentId } from 'skreaver';
import type { InternalAgentRegistry, InternalStepOptions, PendingStep } from './_agent-registry.js';
import { readJsonBody } from './_body.js';
import type { HttpContext, HttpEnv } from './_context.js';
import type { ResolvedSettings } from './_resolve-options.js';
import type { QueueMetrics, StepReport } from './agent-types.js';
import { HttpProblem, jsonResponse, respond, toProblem } from './problem.js';

/** What the agent handlers need. */
export interface AgentHandlerDeps {
  readonly settings: ResolvedSettings;
  /** Requests in flight, for the runtime's load factor. */
  readonly state: { readonly inFlight: number };
  readonly now: () => number;
  readonly registry: InternalAgentRegistry;
  readonly schemas: Readonly<Record<string, CompiledJsonSchema>>;
}

type CreateBody =
  | { type: string; id?: string; config?: Record<string, unknown> }
  | {
      spec: {
        agent_type: string | { custom: string };
        name?: string | null;
        config?: Record<string, unknown>;
      };
    };

type BatchBody = {
  inputs: unknown[];
  parallelLimit?: number;
  parallel_limit?: number;
};

type BatchItem =
  | { index: number; ok: true; report: StepReport }
  | { index: number; ok: false; error: { code: string; message: string } };

function randomHex(): string {
  const [value = 0] = globalThis.crypto.getRandomValues(new Uint32Array(1));
  return value.toString(16).padStart(8, '0');
}

/** The path's agent id, validated. @throws `invalid_identifier` (400). */
export function agentIdParam(c: HttpContext): string {
  const parsed = safeParseAgentId(c.req.param('id'));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function notFound(id: string): HttpProblem {
  return new HttpProblem('agent_not_found', `No agent has the id '${id}'.`);
}

/** Reads the original's `{ spec }` body into the new form. */
function normalise(body: CreateBody): {
  type: string;
  id?: string;
  config?: Record<string, unknown>;
} {
  if (!('spec' in body)) return body;
  const { agent_type: agentType, name, config } = body.spec;
  const type = typeof agentType === 'string' ? agentType : agentType.custom;
  const sanitised = (name ?? '').replace(/[^A-Za-z0-9-]/g, '').toLowerCase();
  const request: { type: string; id?: string; config?: Record<string, unknown> } = { type };
  if (sanitised !== '') request.id = `${type}-${sanitised}-${randomHex()}`;
  if (config !== undefined) request.config = config;
  return request;
}

/** The handlers of the `/agents` routes that answer JSON. */
export function agentHandlers(deps: AgentHandlerDeps): Record<string, Handler<HttpEnv>> {
  const { settings, registry, schemas, state, now } = deps;
  const { maxBodyBytes, maxBatchParallel, maxInFlight } = settings.limits;

  const stepOptions = (c: HttpContext, signal: AbortSignal | undefined): InternalStepOptions => {
    const principal = c.get('principal');
    const span = c.get('span');
    return {
      ...(signal === undefined ? {} : { signal }),
      ...(principal === undefined ? {} : { principal }),
      ...(span === undefined ? {} : { span }),
    };
  };

  return {
    listAgents: (c) => {
      const agents = registry.list();
      return jsonResponse(c, 200, { agents, total: agents.length, types: registry.types() });
    },

    createAgent: async (c) => {
      const body = (await readJsonBody(c, maxBodyBytes, schemas.CreateAgentRequest)) as CreateBody;
      const created = await registry.create(normalise(body));
      return jsonResponse(
        c,
        201,
        { id: created.id, type: created.type, status: created.status },
        { Location: `/agents/${created.id}` },
      );
    },

    getAgent: (c) => {
      const id = agentIdParam(c);
      const info = registry.get(id);
      if (info === undefined) throw notFound(id);
      return jsonResponse(c, 200, info);
    },

    getAgentStatus: (c) => {
      const id = agentIdParam(c);
      const info = registry.get(id);
      if (info === undefined) throw notFound(id);
      const { status, queued, steps, failures, lastActivityAt } = info;
      return jsonResponse(c, 200, { id, status, queued, steps, failures, lastActivityAt });
    },

    getAgentQueueMetrics: (c) => {
      const id = agentIdParam(c);
      const metrics = registry.queueMetrics(id);
      if (metrics === undefined) throw notFound(id);
      return jsonResponse(c, 200, metrics);
    },

    getQueueMetrics: (c) => {
      const all = registry.list().flatMap((agent) => registry.queueMetrics(agent.id) ?? []);
      const sum = (pick: (m: QueueMetrics) => number): number =>
        all.reduce((total, m) => total + pick(m), 0);
      const timed = all.filter((m) => m.avgProcessingTimeMs > 0);
      const total: QueueMetrics = {
        agentId: null,
        queueSize: sum((m) => m.queueSize),
        activeRequests: sum((m) => m.activeRequests),
        totalProcessed: sum((m) => m.totalProcessed),
        totalTimeouts: sum((m) => m.totalTimeouts),
        totalRejections: sum((m) => m.totalRejections),
        avgProcessingTimeMs:
          timed.length === 0
            ? 0
            : Math.round((sum((m) => m.avgProcessingTimeMs) / timed.length) * 1000) / 1000,
        loadFactor: state.inFlight / maxInFlight,
        timestamp: new Date(now()).toISOString(),
      };
      return jsonResponse(c, 200, total);
    },

    deleteAgent: async (c) => {
      const id = agentIdParam(c);
      if (!(await registry.delete(id))) throw notFound(id);
      return respond(c, 204, null);
    },

    observeAgent: async (c) => {
      const id = agentIdParam(c);
      const body = (await readJsonBody(c, maxBodyBytes, schemas.ObserveRequest)) as {
        input: unknown;
      };
      const pending = registry.reserve(id, body.input);
      // No per-request abort signal here: the step's own deadline is at most
      // the request's (see createHttpRuntime), a step whose turn comes after
      // the request gave up is skipped, and closing the runtime aborts it.
      // That spares two AbortControllers per request on the hottest route.
      const scope = c.get('scope');
      const report = await pending.run(stepOptions(c, undefined), () => scope.timedOut);
      return jsonResponse(c, 200, report);
    },

    batchObserve: async (c) => {
      const id = agentIdParam(c);
      if (registry.get(id) === undefined) throw notFound(id);
      const raw = (await readJsonBody(c, maxBodyBytes, undefined)) as Partial<BatchBody> | null;
      // NonEmptyArray is the guard: an empty batch is `empty_collection`.
      const listed = raw !== null && typeof raw === 'object' ? raw.inputs : undefined;
      if (Array.isArray(listed)) {
        const nonEmpty = safeNonEmptyArray(listed);
        if (!nonEmpty.ok) throw nonEmpty.error;
      }
      const issues = schemas.BatchRequest?.check(raw) ?? [];
      if (issues.length > 0) {
        throw new HttpProblem(
          'invalid_input',
          `The request body is invalid: ${issues[0]?.path || '(root)'} ${issues[0]?.message}.`,
          { details: { reason: 'schema', issues } },
        );
      }
      const body = raw as BatchBody;
      const inputs = body.inputs;
      const parallel = body.parallelLimit ?? body.parallel_limit ?? Math.min(5, maxBatchParallel);
      const scope = c.get('scope');
      scope.follow(c.req.raw.signal);
      const options = stepOptions(c, scope.signal);
      const started = performance.now();
      const results: BatchItem[] = new Array(inputs.length);
      const run = async (index: number, pending?: PendingStep): Promise<void> => {
        try {
          const step = pending ?? registry.reserve(id, inputs[index]);
          results[index] = { index, ok: true, report: await step.run(options) };
        } catch (error) {
          const problem = toProblem(error);
          results[index] = {
            index,
            ok: false,
            error: { code: problem.code, message: problem.message },
          };
        }
      };
      // The first item takes its place before anything waits, so a full
      // queue refuses the whole batch with 429 instead of failing every item.
      const first = registry.reserve(id, inputs[0]);
      let next = 1;
      const worker = async (pending?: PendingStep): Promise<void> => {
        if (pending !== undefined) await run(0, pending);
        while (next < inputs.length) await run(next++);
      };
      const workers = [worker(first)];
      for (let i = 1; i < Math.min(parallel, inputs.length); i++) workers.push(worker());
      await Promise.all(workers);
      const succeeded = results.filter((item) => item.ok).length;
      return jsonResponse(c, 200, {
        agentId: id,
        results,
        succeeded,
        failed: results.length - succeeded,
        durationMs: performance.now() - started,
      });
    },
  };
}
