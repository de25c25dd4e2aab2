export { type AuditLogger, type AuditLoggerOptions, createAuditLogger } from './audit-logger.js';
export {
  AUDIT_SEVERITIES,
  type AuditEvent,
  type AuditEventBase,
  type AuditEventInput,
  type AuditEventType,
  type AuditSeverity,
  type AuthFailedEvent,
  type AuthSucceededEvent,
  defaultSeverity,
  type LockdownChangedEvent,
  type PolicyViolationEvent,
  type ToolAllowedEvent,
  type ToolDenialCode,
  type ToolDeniedEvent,
  type WithoutStamp,
} from './events.js';
export {
  type AuditSink,
  type ConsoleAuditSinkOptions,
  consoleAuditSink,
  type MemoryAuditSink,
  type MemoryAuditSinkOptions,
  memoryAuditSink,
} from './sinks.js';
