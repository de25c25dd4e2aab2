import { collectDefaultMetrics } from 'prom-client';
import { ValidationError } from 'skreaver';
import { errorKinds } from './_error-kind.js';
import { createFamilies, METRIC_NAMES } from './_families.js';
import {
  byteCount,
  createLabelGuard,
  methodLabel,
  OTHER,
  seconds,
  statusLabel,
} from './_labels.js';
import { resolveSettings } from './_settings.js';
import type { PrometheusMetricsOptions } from './options.js';
import type { PrometheusMetrics } from './types.js';

type Labels = Record<string, string>;

/** The `tool` label of a call to a name no tool has: caller input, so never a label value of its own. */
const UNKNOWN_TOOL = 'unknown';
/** The `route` label of a request no route matched. */
const UNMATCHED = 'unmatched';

/**
 * Creates a metrics recorder on prom-client. It implements the core's
 * `MetricsRecorder` and the mesh's `MeshMetricsRecorder`, takes HTTP and
 * memory reports, and serves everything for a `/metrics` endpoint. Metric
 * names follow the original (`skreaver_tool_exec_total`, ...); user-chosen
 * label values (tools, routes, agents) are capped per label and the excess
 * counted as `other`. Nothing is registered anywhere but the given (or a new)
 * registry, and no timer starts unless `collectDefaultMetrics` is on.
 *
 * @throws `ValidationError` with code `invalid_options` when an option is
 * invalid or the registry already holds a metric of the same name.
 * @example
 * ```ts
 * import { createCoordinator, createToolRegistry } from 'skreaver';
 * import { prometheusMetrics } from 'skreaver/metrics/prometheus';
 *
 * const metrics = prometheusMetrics({ defaultLabels: { service: 'support-bot' } });
 * const registry = createToolRegistry({ metrics });
 * const coordinator = createCoordinator({ registry, metrics });
 *
 * // In any HTTP framework:
 * app.get('/metrics', async () =>
 *   new Response(await metrics.metrics(), { headers: { 'content-type': metrics.contentType } }),
 * );
 * ```
 */
export function prometheusMetrics(options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const settings = resolveSettings(options);
  const { registry, defaultLabels, logger, maxLabelValues } = settings;
  const families = createFamilies(settings);
  if (settings.collectDefaultMetrics) {
    try {
      collectDefaultMetrics({ register: registry, prefix: settings.prefix });
    } catch (error) {
      // Already collected into this registry: leave it as it was.
      for (const name of METRIC_NAMES) registry.removeSingleMetric(`${settings.prefix}${name}`);
      throw new ValidationError(
        'invalid_options',
        'The Prometheus registry already holds the default metrics; set collectDefaultMetrics only once per registry.',
        { data: { option: 'collectDefaultMetrics' }, cause: error },
      );
    }
  }
  const kinds = errorKinds();
  const tools = createLabelGuard(maxLabelValues.tool);
  const routes = createLabelGuard(maxLabelValues.route);
  const agents = createLabelGuard(maxLabelValues.agent_id);
  const reasons = createLabelGuard(maxLabelValues.reason);
  let closed = false;

  const hasDefaults = Object.keys(defaultLabels).length > 0;
  const labels = (own: Labels): Labels => (hasDefaults ? { ...own, ...defaultLabels } : own);
  const text = (value: unknown): string => (typeof value === 'string' ? value : OTHER);
  const code = (value: unknown): string =>
    typeof value === 'string' && kinds.has(value) ? value : OTHER;

  // Recorders must not throw (the core says so); a failure is logged and the report dropped.
  const guarded =
    <A extends unknown[]>(name: string, record: (...args: A) => void) =>
    (...args: A): void => {
      if (closed) return;
      try {
        record(...args);
      } catch (error) {
        try {
          logger.warn('The Prometheus recorder failed to record a metric.', {
            method: name,
            error,
          });
        } catch {}
      }
    };

  const recorder: PrometheusMetrics = {
    registry,
    get contentType() {
      return registry.contentType;
    },

    metrics: () => registry.metrics(),

    toolCall: guarded('toolCall', (metric) => {
      const tool = labels({
        tool: metric.code === 'tool_not_found' ? UNKNOWN_TOOL : tools.admit(text(metric.tool)),
      });
      families.toolExec.inc(tool);
      const duration = seconds(metric.durationMs);
      if (duration !== undefined) families.toolDuration.observe(tool, duration);
      if (!metric.ok) {
        families.toolErrors.inc(labels({ tool: tool.tool as string, code: code(metric.code) }));
      }
    }),

    toolInFlight: guarded('toolInFlight', (tool: string, delta: 1 | -1) => {
      const own = labels({ tool: tools.admit(text(tool)) });
      if (delta === 1) families.toolInFlight.inc(own);
      else if (delta === -1) families.toolInFlight.dec(own);
    }),

    step: guarded('step', (metric) => {
      const agentId = agents.admit(text(metric.agentId));
      const agent = labels({ agent_id: agentId });
      families.steps.inc(labels({ agent_id: agentId, status: metric.ok ? 'ok' : 'error' }));
      const duration = seconds(metric.durationMs);
      if (duration !== undefined) families.stepDuration.observe(agent, duration);
      if (typeof metric.rounds === 'number' && Number.isFinite(metric.rounds)) {
        families.stepRounds.observe(agent, metric.rounds);
      }
      if (!metric.ok) {
        const errorType = code(metric.code);
        families.agentErrors.inc(labels({ kind: kinds.get(errorType) ?? 'unknown' }));
        families.agentErrorsByType.inc(labels({ agent_id: agentId, error_type: errorType }));
      }
    }),

    httpRequest: guarded('httpRequest', (metric) => {
      const route = metric.route === undefined ? UNMATCHED : routes.admit(text(metric.route));
      const own = labels({ route, method: methodLabel(metric.method) });
      families.httpRequests.inc(own);
      families.httpByStatus.inc({ ...own, status: statusLabel(metric.status) });
      const duration = seconds(metric.durationMs);
      if (duration !== undefined) families.httpDuration.observe(own, duration);
      const requestBytes = byteCount(metric.requestBytes);
      if (requestBytes !== undefined) families.httpRequestSize.observe(own, requestBytes);
      const responseBytes = byteCount(metric.responseBytes);
      if (responseBytes !== undefined) families.httpResponseSize.observe(own, responseBytes);
    }),

    httpInFlight: guarded('httpInFlight', (delta: 1 | -1) => {
      if (delta === 1) families.httpInFlight.inc(labels({}));
      else if (delta === -1) families.httpInFlight.dec(labels({}));
    }),

    agentSession: guarded('agentSession', (delta: 1 | -1) => {
      if (delta === 1) families.sessions.inc(labels({}));
      else if (delta === -1) families.sessions.dec(labels({}));
    }),

    authAttempt: guarded('authAttempt', (result) => {
      const known = result === 'success' || result === 'failure' || result === 'invalid';
      families.authAttempts.inc(labels({ result: known ? result : OTHER }));
    }),

    rateLimitExceeded: guarded('rateLimitExceeded', (limit) => {
      const known = limit === 'global' || limit === 'ip' || limit === 'user';
      families.rateLimited.inc(labels({ limit_type: known ? limit : OTHER }));
    }),

    memoryOp: guarded('memoryOp', (metric) => {
      const { op } = metric;
      const known = op === 'read' || op === 'write' || op === 'backup' || op === 'restore';
      const own = labels({ op: known ? op : OTHER });
      families.memoryOps.inc(own);
      if (!metric.ok) families.memoryErrors.inc(own);
    }),

    meshMessageSent: guarded('meshMessageSent', (metric) => {
      families.meshSent.inc(labels({ kind: text(metric.kind) }));
    }),

    meshMessageHandled: guarded('meshMessageHandled', (metric) => {
      const kind = text(metric.kind);
      families.meshHandled.inc(labels({ kind, status: metric.ok ? 'ok' : 'error' }));
      const duration = seconds(metric.durationMs);
      if (duration !== undefined) families.meshHandleDuration.observe(labels({ kind }), duration);
    }),

    meshQueueDepth: guarded('meshQueueDepth', (metric) => {
      if (typeof metric.depth !== 'number' || !Number.isFinite(metric.depth)) return;
      families.meshQueueDepth.set(
        labels({ agent_id: agents.admit(text(metric.agent)) }),
        metric.depth,
      );
    }),

    meshDeadLettered: guarded('meshDeadLettered', (metric) => {
      families.meshDeadLettered.inc(labels({ reason: reasons.admit(text(metric.reason)) }));
    }),

    meshMessageDropped: guarded('meshMessageDropped', (metric) => {
      families.meshDropped.inc(labels({ reason: reasons.admit(text(metric.reason)) }));
    }),

    close() {
      if (closed) return;
      closed = true;
      if (settings.ownsRegistry) {
        registry.clear();
        return;
      }
      for (const name of METRIC_NAMES) registry.removeSingleMetric(`${settings.prefix}${name}`);
    },
  };
  return recorder;
}
