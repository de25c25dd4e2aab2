export type { LogFields, Logger } from './logger.js';
export { noopLogger } from './logger.js';
export type { MetricsRecorder, StepMetric, ToolCallMetric } from './metrics.js';
export { noopMetrics } from './metrics.js';
export type { Span, SpanAttributeValue, Tracer } from './tracing.js';
export { noopTracer } from './tracing.js';
