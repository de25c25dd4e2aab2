import type { SecurityErrorCode } from '../../errors/codes.js';
import type { AuditLevel } from '../policy/policy.js';

/** How serious an audit event is; the same scale as `audit.level`. */
export type AuditSeverity = AuditLevel;

/** Severities from least to most serious. */
export const AUDIT_SEVERITIES: readonly AuditSeverity[] = Object.freeze([
  'debug',
  'info',
  'warning',
  'error',
  'critical',
]);

/** Fields every audit event carries. */
export interface AuditEventBase {
  /** Unique id of this event (a UUID unless the logger was given another generator). */
  readonly id: string;
  /** When it happened, ISO 8601 in UTC (`2026-01-31T12:00:00.000Z`). */
  readonly timestamp: string;
  /** How serious it is. */
  readonly severity: AuditSeverity;
  /** The caller's principal id, when known. */
  readonly principalId?: string;
  /** The tool concerned, when there is one. */
  readonly tool?: string;
  /** A stable reason code (see each event type). */
  readonly reason: string;
  /** A human-readable account, redacted like every other string. */
  readonly message?: string;
}

/** A tool call passed the guard. `reason` is `allowed`, or `redacted` when secrets were removed from its input. */
export interface ToolAllowedEvent extends AuditEventBase {
  /** The event type. */
  readonly type: 'tool.allowed';
  /** The tool's name. */
  readonly tool: string;
  /** `allowed`, or `redacted` when secrets were removed from the input. */
  readonly reason: 'allowed' | 'redacted';
  /** The call's correlation id, when it had one. */
  readonly callId?: string;
  /** Detectors that found the secrets that were redacted. */
  readonly detectors?: readonly string[];
}

/** The security error codes a guard denies a call with. */
export type ToolDenialCode = Extract<
  SecurityErrorCode,
  | 'lockdown_active'
  | 'permission_denied'
  | 'size_limit_exceeded'
  | 'secret_detected'
  | 'resource_exhausted'
>;

/** A tool call was refused. `reason` is the security code the caller also gets. */
export interface ToolDeniedEvent extends AuditEventBase {
  /** The event type. */
  readonly type: 'tool.denied';
  /** The tool's name. */
  readonly tool: string;
  /** The security code the caller also gets. */
  readonly reason: ToolDenialCode;
  /** A human-readable account, redacted like every other string. */
  readonly message: string;
  /** The call's correlation id, when it had one. */
  readonly callId?: string;
  /** Detectors that found secrets (`secret_detected` only); never the secrets themselves. */
  readonly detectors?: readonly string[];
}

/** A caller authenticated. `reason` is `authenticated`. */
export interface AuthSucceededEvent extends AuditEventBase {
  /** The event type. */
  readonly type: 'auth.succeeded';
  /** The authenticated principal's id. */
  readonly principalId: string;
  /** Always `authenticated`. */
  readonly reason: 'authenticated';
  /** How: `jwt`, `api_key`, `basic`, ... */
  readonly method: string;
  /** Where from (an IP address, a transport name), when known. */
  readonly source?: string;
}

/** Authentication failed. `reason` is the auth error code (`auth_invalid`, `auth_expired`, ...). */
export interface AuthFailedEvent extends AuditEventBase {
  /** The event type. */
  readonly type: 'auth.failed';
  /** How the caller tried to authenticate: `jwt`, `api_key`, ... */
  readonly method: string;
  /** Where from (an IP address, a transport name), when known. */
  readonly source?: string;
}

/**
 * Something broke a policy outside the guard's input checks: a path or URL a
 * tool refused, a secret or oversized value in a tool's output. `reason` is
 * the security error code.
 */
export interface PolicyViolationEvent extends AuditEventBase {
  /** The event type. */
  readonly type: 'policy.violation';
  /** The security error code. */
  readonly reason: SecurityErrorCode;
  /** A human-readable account, redacted like every other string. */
  readonly message: string;
  /** The call's correlation id, when it had one. */
  readonly callId?: string;
  /** Structured details (redacted like everything else). */
  readonly detail?: unknown;
}

/** Emergency lockdown was switched on, changed or lifted. */
export interface LockdownChangedEvent extends AuditEventBase {
  /** The event type. */
  readonly type: 'lockdown.changed';
  /** Whether lockdown was switched on (or changed) or lifted. */
  readonly reason: 'activated' | 'lifted';
  /** Whether lockdown is on after the change. */
  readonly active: boolean;
  /** `all`: every tool but `tools` is denied; `named`: only `tools` are denied. */
  readonly scope: 'all' | 'named';
  /** The allowed tools (scope `all`) or the denied ones (scope `named`), names or globs. */
  readonly tools: readonly string[];
}

/** Every audit event, discriminated by `type`. */
export type AuditEvent =
  | ToolAllowedEvent
  | ToolDeniedEvent
  | AuthSucceededEvent
  | AuthFailedEvent
  | PolicyViolationEvent
  | LockdownChangedEvent;

/** The `type` of an audit event. */
export type AuditEventType = AuditEvent['type'];

/** `T` without the fields the logger stamps (`id`, `timestamp`), severity optional. */
export type WithoutStamp<T> = T extends unknown
  ? Omit<T, 'id' | 'timestamp' | 'severity'> & { readonly severity?: AuditSeverity }
  : never;

/** An event as emitters give it to the logger: no id or timestamp yet, severity optional. */
export type AuditEventInput = WithoutStamp<AuditEvent>;

const SERIOUS: ReadonlySet<string> = new Set(['secret_detected', 'url_denied', 'path_denied']);

/**
 * The severity an event gets when its emitter names none: `info` for
 * allowed calls and successful logins, `warning` for denials and failed
 * logins, `error` for secrets, SSRF-shaped URLs and denied paths,
 * `critical` for lockdown changes.
 */
export function defaultSeverity(event: Pick<AuditEvent, 'type' | 'reason'>): AuditSeverity {
  switch (event.type) {
    case 'tool.allowed':
    case 'auth.succeeded':
      return 'info';
    case 'auth.failed':
      return 'warning';
    case 'lockdown.changed':
      return 'critical';
    default:
      return SERIOUS.has(event.reason) ? 'error' : 'warning';
  }
}
