import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ValidationError } from 'skreaver';
import type { Settings } from './_settings.js';
import type { PrometheusBuckets } from './options.js';

type Kind = 'counter' | 'gauge' | 'histogram';

interface Spec {
  readonly kind: Kind;
  readonly name: string;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: keyof PrometheusBuckets;
}

const counter = (
  name: string,
  help: string,
  labels: readonly string[],
): Spec & { readonly kind: 'counter' } => ({
  kind: 'counter',
  name,
  help,
  labels,
});
const gauge = (
  name: string,
  help: string,
  labels: readonly string[],
): Spec & { readonly kind: 'gauge' } => ({
  kind: 'gauge',
  name,
  help,
  labels,
});
const histogram = (
  name: string,
  help: string,
  labels: readonly string[],
  buckets: keyof PrometheusBuckets,
): Spec & { readonly kind: 'histogram' } => ({ kind: 'histogram', name, help, labels, buckets });

/**
 * Every metric the recorder owns, by key. Names and label sets follow the
 * original where it had the metric; docs/adapters/metrics-prometheus.md lists
 * them for users, so keep the two in step.
 */
const SPECS = {
  toolExec: counter('tool_exec_total', 'Tool calls dispatched, by tool.', ['tool']),
  toolDuration: histogram(
    'tool_exec_duration_seconds',
    'Tool call time from dispatch to result, in seconds.',
    ['tool'],
    'latency',
  ),
  toolErrors: counter('tool_exec_errors_total', 'Tool calls that failed, by tool and error code.', [
    'tool',
    'code',
  ]),
  toolInFlight: gauge('tool_exec_in_flight', 'Tool calls holding a concurrency slot.', ['tool']),
  steps: counter('agent_steps_total', 'Coordinator steps finished, by agent and status.', [
    'agent_id',
    'status',
  ]),
  stepDuration: histogram(
    'agent_step_duration_seconds',
    'Coordinator step time, in seconds.',
    ['agent_id'],
    'step',
  ),
  stepRounds: histogram(
    'agent_step_rounds',
    'Tool rounds per coordinator step.',
    ['agent_id'],
    'rounds',
  ),
  agentErrors: counter('agent_errors_total', 'Failed coordinator steps, by error kind.', ['kind']),
  agentErrorsByType: counter(
    'agent_errors_by_type',
    'Failed coordinator steps, by agent and error code.',
    ['agent_id', 'error_type'],
  ),
  sessions: gauge(
    'agent_sessions_active',
    'Agent sessions (steps run for HTTP callers) in progress.',
    [],
  ),
  httpRequests: counter('http_requests_total', 'HTTP requests, by route pattern and method.', [
    'route',
    'method',
  ]),
  httpDuration: histogram(
    'http_request_duration_seconds',
    'HTTP request time until the response, in seconds.',
    ['route', 'method'],
    'latency',
  ),
  httpByStatus: counter(
    'http_requests_by_status',
    'HTTP requests, by route pattern, method and status code.',
    ['route', 'method', 'status'],
  ),
  httpRequestSize: histogram(
    'http_request_size_bytes',
    'HTTP request body sizes, in bytes.',
    ['route', 'method'],
    'size',
  ),
  httpResponseSize: histogram(
    'http_response_size_bytes',
    'HTTP response body sizes, in bytes.',
    ['route', 'method'],
    'size',
  ),
  httpInFlight: gauge('http_requests_in_flight', 'HTTP requests being handled.', []),
  authAttempts: counter('security_auth_attempts_total', 'Authentication attempts, by result.', [
    'result',
  ]),
  rateLimited: counter(
    'security_rate_limit_exceeded_total',
    'Requests refused by a rate limit, by limit.',
    ['limit_type'],
  ),
  memoryOps: counter('memory_ops_total', 'Memory operations, by operation.', ['op']),
  memoryErrors: counter('memory_op_errors_total', 'Memory operations that failed, by operation.', [
    'op',
  ]),
  meshSent: counter(
    'mesh_messages_sent_total',
    'Mesh messages accepted by the transport, by kind.',
    ['kind'],
  ),
  meshHandled: counter(
    'mesh_messages_handled_total',
    'Mesh messages handled, by kind and status.',
    ['kind', 'status'],
  ),
  meshHandleDuration: histogram(
    'mesh_message_handle_duration_seconds',
    'Mesh handler time per delivery, in seconds.',
    ['kind'],
    'latency',
  ),
  meshQueueDepth: gauge('mesh_queue_depth', 'Last observed mailbox depth, by agent.', ['agent_id']),
  meshDeadLettered: counter('mesh_dead_letters_total', 'Mesh messages dead-lettered, by reason.', [
    'reason',
  ]),
  meshDropped: counter('mesh_messages_dropped_total', 'Mesh messages dropped, by reason.', [
    'reason',
  ]),
} as const satisfies Record<string, Spec>;

type Instance<S extends Spec> = S['kind'] extends 'counter'
  ? Counter<string>
  : S['kind'] extends 'gauge'
    ? Gauge<string>
    : Histogram<string>;

/** The prom-client metric objects of one recorder. */
export type Families = { readonly [K in keyof typeof SPECS]: Instance<(typeof SPECS)[K]> };

/** Names (without prefix) of every metric, for docs and tests. */
export const METRIC_NAMES: readonly string[] = Object.values(SPECS).map((spec) => spec.name);

function create(spec: Spec, settings: Settings, registry: Registry): Families[keyof Families] {
  const name = `${settings.prefix}${spec.name}`;
  const labelNames = [...spec.labels, ...Object.keys(settings.defaultLabels)];
  const common = { name, help: spec.help, labelNames, registers: [registry] };
  try {
    if (spec.kind === 'counter') return new Counter(common);
    if (spec.kind === 'gauge') return new Gauge(common);
    return new Histogram({ ...common, buckets: settings.buckets[spec.buckets ?? 'latency'] });
  } catch (error) {
    // prom-client refuses a second metric of the same name in one registry.
    throw new ValidationError(
      'invalid_options',
      `The Prometheus registry refused the metric '${name}'; give this recorder another prefix or registry.`,
      { data: { option: 'registry', metric: name }, cause: error },
    );
  }
}

/** Creates and registers every metric; on a failure, unregisters the ones already made. */
export function createFamilies(settings: Settings): Families {
  const { registry } = settings;
  const made: string[] = [];
  const families: Record<string, Families[keyof Families]> = {};
  try {
    for (const [key, spec] of Object.entries(SPECS)) {
      families[key] = create(spec, settings, registry);
      made.push(`${settings.prefix}${spec.name}`);
    }
  } catch (error) {
    for (const name of made) registry.removeSingleMetric(name);
    throw error;
  }
  return families as unknown as Families;
}
