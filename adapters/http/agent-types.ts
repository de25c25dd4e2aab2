import type { Agent, JsonSchema, Principal, Tool } from 'skreaver';

/** What an agent type's factory is given for each new instance. */
export interface AgentCreateContext {
  /** The new instance's id. */
  readonly id: string;
  /** The type name it was created under. */
  readonly type: string;
  /** The `config` object of the create request (validated against `configSchema`), `{}` when absent. */
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * An agent type the runtime can instantiate over HTTP (`POST /agents` with
 * `{ "type": name }`).
 *
 * @example
 * ```ts
 * const echo: HttpAgentType = {
 *   description: 'Echoes its input',
 *   create: () => ({
 *     text: '',
 *     observe(input: string) { this.text = input; },
 *     callTools: () => [],
 *     handleResult() {},
 *     act() { return `Echo: ${this.text}`; },
 *   }),
 * };
 * ```
 */
export interface HttpAgentType {
  /** One line shown in the OpenAPI document and `GET /agents`. @defaultValue none */
  readonly description?: string;
  /** Makes a fresh agent for one instance. May be async; a throw fails the create with its error. */
  create(context: AgentCreateContext): Agent<unknown, unknown> | Promise<Agent<unknown, unknown>>;
  /**
   * JSON Schema the create request's `config` must match (checked with the
   * core's `checkJsonSchema`).
   * @defaultValue `{ type: 'object' }` (any object)
   */
  readonly configSchema?: JsonSchema;
  /**
   * JSON Schema each observation (`input`) must match before a step runs.
   * @defaultValue `{ type: 'string' }`
   */
  readonly inputSchema?: JsonSchema;
  /** Tools the agent calls; registered in the runtime's registry at start. @defaultValue none */
  readonly tools?: readonly Tool[];
  /** Tool rounds one step may run (the coordinator's `maxRounds`). @defaultValue the runtime's `coordinator.maxRounds` (8) */
  readonly maxRounds?: number;
}

/** `idle`: waiting for work; `busy`: running a step; `removing`: being deleted. */
export type AgentState = 'idle' | 'busy' | 'removing';

/** What the runtime tells about one agent instance. */
export interface AgentInfo {
  /** The instance id (also its path segment). */
  readonly id: string;
  /** The type it was created from. */
  readonly type: string;
  /** Whether it is working. */
  readonly status: AgentState;
  /** When it was created, ISO 8601. */
  readonly createdAt: string;
  /** When its last step ended, ISO 8601; null before the first. */
  readonly lastActivityAt: string | null;
  /** Steps that produced an action. */
  readonly steps: number;
  /** Steps that failed. */
  readonly failures: number;
  /** Steps waiting behind the running one. */
  readonly queued: number;
  /** The configuration it was created with. */
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * Queue metrics (the original's `/queue/metrics` routes): for one agent
 * (`agentId` set) or the whole runtime (`agentId: null`).
 */
export interface QueueMetrics {
  /** The agent, or null for the whole runtime. */
  readonly agentId: string | null;
  /** Steps waiting behind running ones. */
  readonly queueSize: number;
  /** Steps running now (at most one per agent). */
  readonly activeRequests: number;
  /** Steps that ended, with an action or a failure. */
  readonly totalProcessed: number;
  /** Steps that ran out of time (`step_timeout`), or left the queue because their request did. */
  readonly totalTimeouts: number;
  /** Steps refused because the agent's queue was full (`agent_busy`). */
  readonly totalRejections: number;
  /** Mean duration of the last 100 steps, in milliseconds (runtime: the mean over agents that ran any). */
  readonly avgProcessingTimeMs: number;
  /**
   * How full it is, from 0 to 1: for an agent, (running + queued) / (1 +
   * `limits.maxQueueDepth`); for the runtime, requests in flight / `limits.maxInFlight`.
   */
  readonly loadFactor: number;
  /** When the figures were taken, ISO 8601. */
  readonly timestamp: string;
}

/** One tool call of a step, as reported to HTTP clients. */
export interface ToolCallReport {
  /** The tool called. */
  readonly name: string;
  /** The caller's correlation id, when the agent gave one. */
  readonly id?: string;
  /** The input the agent asked for. */
  readonly input: unknown;
  /** The 1-based tool round. */
  readonly round: number;
  /** Whether the call produced an output. */
  readonly ok: boolean;
  /** The output, when `ok`. */
  readonly output?: unknown;
  /** The failure, when not `ok`. */
  readonly error?: { readonly code: string; readonly message: string };
  /** Wall time of the dispatch, in milliseconds. */
  readonly durationMs: number;
}

/** The result of one step, as `POST /agents/{id}/observe` returns it. */
export interface StepReport {
  /** The agent that stepped. */
  readonly agentId: string;
  /** The agent's 1-based step number. */
  readonly step: number;
  /** What the agent's `act` returned. */
  readonly result: unknown;
  /** Every tool call of the step, in the order they finished. */
  readonly toolCalls: readonly ToolCallReport[];
  /** Tool rounds the step ran. */
  readonly rounds: number;
  /** Wall time of the step, in milliseconds (not counting time queued). */
  readonly durationMs: number;
  /** When it finished, ISO 8601. */
  readonly timestamp: string;
}

/** A coordinator event in its JSON form, as streamed over SSE. */
export interface StepEventReport {
  /** `queued`, `step.started`, `tool.called`, `tool.result`, `step.finished` or `step.failed`. */
  readonly type: string;
  /** The agent. */
  readonly agentId: string;
  /** The other fields of the event (`step`, `call`, `result`, `error`, ...). */
  readonly [field: string]: unknown;
}

/** Options of {@link HttpAgentRegistry.step}. */
export interface AgentStepOptions {
  /** The caller; reaches the agent and every tool dispatch (RBAC, policy hooks). */
  readonly principal?: Principal;
  /** Aborts the step, or takes it out of the queue before it starts. */
  readonly signal?: AbortSignal;
  /** Receives each event of the step as it happens (SSE). */
  readonly onEvent?: (event: StepEventReport) => void;
}

/** The request of {@link HttpAgentRegistry.create}. */
export interface CreateAgentRequest {
  /** A registered agent type. */
  readonly type: string;
  /** The id to use; a valid agent id. @defaultValue `<type>-<8 hex>` */
  readonly id?: string;
  /** Instance configuration, checked against the type's `configSchema`. @defaultValue `{}` */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** The runtime's agent instances: the same operations the HTTP routes use. */
export interface HttpAgentRegistry {
  /** The registered type names, sorted. */
  types(): string[];
  /**
   * Creates and starts an instance.
   * @throws `ValidationError` `invalid_input` (unknown type, bad config),
   *   `invalid_identifier` (bad id); `CoordinatorError` `agent_duplicate`;
   *   `SecurityError` `resource_exhausted` (`maxAgents` reached);
   *   `AgentError` `agent_failed` when the factory or `initialize` throws.
   */
  create(request: CreateAgentRequest): Promise<AgentInfo>;
  /** Every instance, in creation order. */
  list(): AgentInfo[];
  /** One instance, or undefined. */
  get(id: string): AgentInfo | undefined;
  /** One instance's queue metrics, or undefined for an unknown id. */
  queueMetrics(id: string): QueueMetrics | undefined;
  /**
   * Runs one step; one agent's steps run one at a time, in arrival order.
   * @throws `CoordinatorError` `agent_not_found`, `agent_busy` (queue full;
   *   `data.retryAfterMs`), the step's own failures; `ValidationError`
   *   `invalid_input` when `input` does not match the type's `inputSchema`.
   */
  step(id: string, input: unknown, options?: AgentStepOptions): Promise<StepReport>;
  /**
   * Deletes an instance once its running and queued steps finish; resolves
   * false for an unknown id.
   */
  delete(id: string): Promise<boolean>;
}
