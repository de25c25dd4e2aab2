import {
  AgentError,
  CoordinatorError,
  isSkreaverError,
  SecurityError,
  safeParseAgentId,
  ValidationError,
} from 'skreaver';
import {
  type Instance,
  type PendingStep,
  type ResolvedAgentType,
  runTurn,
  type TurnDeps,
} from './_agent-instance.js';
import { AgentLane } from './_agent-lane.js';
import { RollingMean } from './_rolling-mean.js';
import { IsoClock } from './_step-events.js';
import type {
  AgentCreateContext,
  AgentInfo,
  CreateAgentRequest,
  HttpAgentRegistry,
  HttpAgentType,
  QueueMetrics,
} from './agent-types.js';
import type { HttpMetrics, HttpTracer } from './metrics.js';

export type { InternalStepOptions, PendingStep, ResolvedAgentType } from './_agent-instance.js';

/** Limits the registry enforces. */
export interface AgentRegistrySettings {
  readonly types: ReadonlyMap<string, ResolvedAgentType>;
  readonly maxAgents: number;
  readonly maxQueueDepth: number;
  readonly now: () => number;
  readonly metrics: HttpMetrics;
  readonly tracer: HttpTracer | undefined;
  /** Aborted when the runtime closes: running steps abort, waiting ones are dropped. */
  readonly lifetime: AbortSignal;
}

/** The internal registry: the public operations plus what handlers need. */
export interface InternalAgentRegistry extends HttpAgentRegistry {
  /** Validates a step and takes its place in the lane, without waiting. */
  reserve(id: string, input: unknown): PendingStep;
  /** Number of instances. */
  readonly size: number;
}

function issuesDetail(issues: readonly { path: string; message: string }[]) {
  return { issues: issues.map(({ path, message }) => ({ path, message })) };
}

function randomSuffix(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(4));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function notFound(id: string): CoordinatorError {
  return new CoordinatorError('agent_not_found', `No agent has the id '${id}'.`, {
    data: { agentId: id },
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Creates the registry of agent instances behind the `/agents` routes. */
export function createAgentRegistry(settings: AgentRegistrySettings): InternalAgentRegistry {
  const { types, maxAgents, maxQueueDepth, now, metrics, tracer, lifetime } = settings;
  const instances = new Map<string, Instance>();
  const turnDeps: TurnDeps = { lifetime, clock: new IsoClock(), now, metrics, tracer };
  // One listener for every waiting and running step, rather than one each
  // on a shared signal (which also set off Node's MaxListeners warning).
  lifetime.addEventListener(
    'abort',
    () => {
      for (const instance of instances.values()) {
        instance.lane.cancelWaiting(lifetime.reason);
        instance.stop.abort(lifetime.reason);
      }
    },
    { once: true },
  );
  let creating = 0;

  // One listener per coordinator routes events to the step now running for
  // that agent; a lane runs one step at a time, so there is never a doubt.
  for (const type of types.values()) {
    type.coordinator.onAny((event) => instances.get(event.agentId)?.collector?.accept(event));
  }

  const info = (instance: Instance): AgentInfo => ({
    id: instance.id,
    type: instance.type.name,
    status: instance.removing !== undefined ? 'removing' : instance.lane.running ? 'busy' : 'idle',
    createdAt: new Date(instance.createdAt).toISOString(),
    lastActivityAt:
      instance.lastActivityAt === null ? null : new Date(instance.lastActivityAt).toISOString(),
    steps: instance.steps,
    failures: instance.failures,
    queued: instance.lane.queued,
    config: instance.config,
  });

  const queueMetrics = (instance: Instance): QueueMetrics => {
    const active = instance.lane.running ? 1 : 0;
    const queued = instance.lane.queued;
    return {
      agentId: instance.id,
      queueSize: queued,
      activeRequests: active,
      totalProcessed: instance.steps + instance.failures,
      totalTimeouts: instance.timeouts,
      totalRejections: instance.rejections,
      avgProcessingTimeMs: Math.round(instance.durations.mean * 1000) / 1000,
      loadFactor: (active + queued) / (1 + maxQueueDepth),
      timestamp: new Date(now()).toISOString(),
    };
  };

  const live = (id: string): Instance => {
    const instance = instances.get(id);
    if (instance === undefined || instance.removing !== undefined) throw notFound(id);
    return instance;
  };

  const resolveType = (name: unknown): ResolvedAgentType => {
    const type = typeof name === 'string' ? types.get(name) : undefined;
    if (type === undefined) {
      const known = [...types.keys()].sort();
      throw new ValidationError(
        'invalid_input',
        `Unknown agent type '${String(name)}'; known types: ${known.join(', ')}.`,
        { data: { reason: 'unknown_agent_type', type: name, known } },
      );
    }
    return type;
  };

  const reserve = (id: string, input: unknown): PendingStep => {
    const instance = live(id);
    const issues = instance.type.input.check(input);
    if (issues.length > 0) {
      throw new ValidationError(
        'invalid_input',
        `The input does not match what agent type '${instance.type.name}' accepts: ${issues[0]?.path || '(root)'} ${issues[0]?.message}.`,
        { data: { reason: 'input_schema', ...issuesDetail(issues) } },
      );
    }
    const turn = instance.lane.take(maxQueueDepth);
    if (turn === undefined) {
      instance.rejections++;
      const retryAfterMs = Math.max(1000, Math.ceil(instance.lane.expectedWaitMs()));
      throw new CoordinatorError(
        'agent_busy',
        `Agent '${id}' already has ${maxQueueDepth} steps waiting; retry later.`,
        { data: { agentId: id, maxQueueDepth, retryAfterMs } },
      );
    }
    let ran = false;
    return {
      position: turn.position,
      run(options = {}, abandoned = undefined) {
        if (ran) return Promise.reject(new Error('PendingStep.run called twice'));
        ran = true;
        if (options.signal?.aborted) {
          turn.cancel(options.signal.reason);
          return Promise.reject(options.signal.reason);
        }
        return runTurn(instance, turn, input, options, abandoned, turnDeps);
      },
    };
  };

  const create = async (request: CreateAgentRequest): Promise<AgentInfo> => {
    if (!isPlainObject(request)) {
      throw new ValidationError('invalid_input', 'The create request must be an object.', {
        data: { reason: 'not_an_object' },
      });
    }
    const type = resolveType(request.type);
    const config = request.config ?? {};
    if (!isPlainObject(config)) {
      throw new ValidationError('invalid_input', "'config' must be a JSON object.", {
        data: { reason: 'config_schema' },
      });
    }
    const issues = type.config.check(config);
    if (issues.length > 0) {
      throw new ValidationError(
        'invalid_input',
        `Invalid configuration for agent type '${type.name}': ${issues[0]?.path || '(root)'} ${issues[0]?.message}.`,
        { data: { reason: 'config_schema', ...issuesDetail(issues) } },
      );
    }
    let id: string;
    if (request.id === undefined) {
      id = `${type.name}-${randomSuffix()}`;
    } else {
      const parsed = safeParseAgentId(request.id);
      if (!parsed.ok) throw parsed.error;
      id = parsed.value;
    }
    if (instances.has(id) || type.coordinator.has(id)) {
      throw new CoordinatorError(
        'agent_duplicate',
        `An agent with the id '${id}' already exists.`,
        {
          data: { agentId: id },
        },
      );
    }
    if (instances.size + creating >= maxAgents) {
      throw new SecurityError(
        'resource_exhausted',
        `The runtime already holds ${maxAgents} agents (limits.maxAgents); delete one first.`,
        { data: { reason: 'max_agents', maxAgents } },
      );
    }
    creating++;
    try {
      const context: AgentCreateContext = { id, type: type.name, config };
      let agent: Awaited<ReturnType<HttpAgentType['create']>>;
      try {
        agent = await type.definition.create(context);
      } catch (error) {
        if (isSkreaverError(error)) throw error;
        throw new AgentError(
          'agent_failed',
          `Agent type '${type.name}' failed to create '${id}': ${(error as Error)?.message ?? String(error)}`,
          { data: { agentId: id, method: 'initialize' }, cause: error },
        );
      }
      // add() rejects with agent_duplicate when a concurrent create won the id.
      await type.coordinator.add(id, agent);
    } finally {
      creating--;
    }
    const instance: Instance = {
      id,
      type,
      config,
      createdAt: now(),
      lane: new AgentLane(),
      stop: new AbortController(),
      lastActivityAt: null,
      steps: 0,
      failures: 0,
      timeouts: 0,
      rejections: 0,
      durations: new RollingMean(100),
      removing: undefined,
      collector: undefined,
    };
    instances.set(id, instance);
    // A runtime that closed while the agent was being made stops it at once.
    if (lifetime.aborted) instance.stop.abort(lifetime.reason);
    return info(instance);
  };

  return {
    get size() {
      return instances.size;
    },
    types: () => [...types.keys()].sort(),
    create,
    list: () => [...instances.values()].map(info),
    queueMetrics: (id) => {
      const instance = instances.get(id);
      return instance === undefined ? undefined : queueMetrics(instance);
    },
    get: (id) => {
      const instance = instances.get(id);
      return instance === undefined ? undefined : info(instance);
    },
    reserve,
    step: (id, input, options) => {
      try {
        return reserve(id, input).run(options);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async delete(id) {
      const instance = instances.get(id);
      if (instance === undefined) return false;
      instance.removing ??= instance.type.coordinator.remove(id).finally(() => {
        instances.delete(id);
      });
      await instance.removing;
      return true;
    },
  };
}
