import { type KnownOptions, rejectUnknownOptions } from '../../_known-options.js';
import { SecurityError } from '../../errors/families.js';
import { isSkreaverError } from '../../errors/skreaver-error.js';
import type { Principal } from '../../principal.js';
import type {
  ToolPolicyDecision,
  ToolPolicyHook,
  ToolPolicyRequest,
} from '../../tools/registry.js';
import type { Tool } from '../../tools/tool.js';
import { type AuditLogger, createAuditLogger } from '../audit/audit-logger.js';
import type { AuditEventInput, ToolDenialCode } from '../audit/events.js';
import type { AuditSink } from '../audit/sinks.js';
import { DEFAULT_POLICY, type SecurityPolicy } from '../policy/policy.js';
import { POLICY_LIMITS } from '../policy/policy-limits.js';
import { KeyCache } from '../secrets/_key-cache.js';
import { CompiledPolicy, type CompiledTool } from './_compiled.js';
import { inspectSecrets } from './_input-secrets.js';
import { jsonByteLength, MAX_SIZE_DEPTH, UNMEASURABLE } from './_json-size.js';
import { wrapTool } from './_wrap-tool.js';
import { createLockdown, type Lockdown } from './lockdown.js';

/** The options createSecurityGuard takes, checked against SecurityGuardOptions. */
const SECURITY_GUARD_OPTIONS = {
  policy: true,
  checkAccess: true,
  sink: true,
  audit: true,
  lockdown: true,
} satisfies KnownOptions<SecurityGuardOptions>;

/**
 * An RBAC check the guard consults for every call (`src/auth` provides
 * one). It must not throw; if it does, the call is denied.
 */
export type ToolAccessCheck = (
  principal: Principal | undefined,
  toolName: string,
) => { readonly allow: true } | { readonly allow: false; readonly reason: string };

/** `data` of a guard's denial (`ToolError.data.detail` after dispatch). */
export interface GuardDenialData {
  /** The precise security code. */
  readonly code: ToolDenialCode;
  /** Finer reason: `tool_disabled`, `access_check`, `input_bytes`, `output_bytes`, `depth`, `concurrency`. */
  readonly reason?: string;
  /** The limit that was hit, for size and concurrency denials. */
  readonly limit?: number;
  /** For size denials: bytes counted before the check stopped (the size is at least this). */
  readonly size?: number;
  /** Detector names, for `secret_detected` (never the secret). */
  readonly detectors?: readonly string[];
  /** The policy's security contact, for `lockdown_active`. */
  readonly securityContact?: string;
}

/** Options of {@link createSecurityGuard}. */
export interface SecurityGuardOptions {
  /**
   * The policy, as `validatePolicy()` returns it (frozen, every field present).
   * @defaultValue `DEFAULT_POLICY`
   */
  readonly policy?: SecurityPolicy;
  /**
   * RBAC: asked after lockdown and the per-tool `enabled` flag.
   * @defaultValue none: no role check
   */
  readonly checkAccess?: ToolAccessCheck;
  /**
   * Where audit events go; the guard builds its logger from this and
   * `policy.audit`, with redaction using the policy's extra patterns.
   * @defaultValue none: no audit events
   */
  readonly sink?: AuditSink;
  /**
   * A ready audit logger, instead of `sink` (share one between guards and
   * the auth layer).
   * @defaultValue built from `sink`, or none
   */
  readonly audit?: AuditLogger;
  /**
   * The emergency switch (share one between guards).
   * @defaultValue `createLockdown(policy.emergency, { audit })`
   */
  readonly lockdown?: Lockdown;
}

/** A security policy made enforceable on a tool registry. */
export interface SecurityGuard {
  /** The policy enforced. */
  readonly policy: SecurityPolicy;
  /** The registry policy hook: `createToolRegistry({ policies: [guard.hook] })`. */
  readonly hook: ToolPolicyHook;
  /** The emergency switch. */
  readonly lockdown: Lockdown;
  /** The audit logger, when there is one (the auth layer may record into it). */
  readonly audit: AuditLogger | undefined;
  /** Calls running inside guarded tools (see `wrap`) right now. */
  readonly running: number;
  /**
   * Wraps a tool so the guard also sees it run: the overall and per-tool
   * concurrency limits are enforced exactly, and the output goes through the
   * size cap and the secret handling of `secrets.onOutput`. Register the
   * wrapped tool (`registry.register(guard.wrap(tool))`); see `guardTool`.
   */
  wrap<I, O>(tool: Tool<I, O>): Tool<I, O>;
}

const ALLOW: ToolPolicyDecision = Object.freeze({ allow: true });

/** Internal view of the guard for the tool wrapper. */
export interface GuardInternals {
  readonly compiled: CompiledPolicy;
  readonly keys: KeyCache;
  readonly audit: AuditLogger | undefined;
  readonly maxConcurrent: number;
  running: number;
}

function describeSize(size: number): string {
  return size === UNMEASURABLE
    ? `cyclic or nested deeper than ${MAX_SIZE_DEPTH} levels`
    : `at least ${size} bytes of JSON`;
}

/** Adds the caller's principal id and the call id to an audit event, when known. */
function identify(event: Record<string, unknown>, request: ToolPolicyRequest): void {
  const principalId = request.principal?.id;
  if (principalId !== undefined) event.principalId = principalId;
  const callId = request.call.id;
  if (callId !== undefined) event.callId = callId;
}

/** Why `check` refuses, or undefined when it allows; a throwing or malformed check refuses. */
function accessRefusal(
  check: ToolAccessCheck,
  principal: Principal | undefined,
  name: string,
): string | undefined {
  try {
    const verdict: unknown = check(principal, name);
    if (typeof verdict === 'object' && verdict !== null) {
      const { allow, reason } = verdict as { allow?: unknown; reason?: unknown };
      if (allow === true) return undefined;
      if (allow === false && typeof reason === 'string') return reason;
    }
    return 'the access check returned no verdict';
  } catch {
    return 'the access check failed';
  }
}

/**
 * Creates the guard that enforces a security policy on every tool call. Its
 * `hook`, run by the registry after input validation, checks in this order
 * and denies with the first failure (`tool_denied`, the security code in
 * `error.data.detail.code`):
 *
 * 1. emergency lockdown: `lockdown_active`;
 * 2. the tool's `enabled: false` override: `permission_denied` (reason `tool_disabled`);
 * 3. the RBAC `checkAccess`: `permission_denied` (reason `access_check`);
 * 4. the input's JSON size against `resources.maxInputBytes`: `size_limit_exceeded`;
 * 5. secrets in the input: with `secrets.onInput` `reject`, `secret_detected`;
 *    with `redact`, the tool gets a copy with each secret replaced by `[REDACTED]`;
 * 6. overall concurrency against `resources.maxConcurrent`: `resource_exhausted`
 *    (counted by wrapped tools, see `wrap`).
 *
 * Every denial is audited as `tool.denied`, and allowed calls as
 * `tool.allowed` when `audit.logAllowed` is on. Per-tool work (merging
 * overrides, compiling detectors) happens once per tool name, so a call with
 * small input costs a few map lookups and one pass over its strings.
 *
 * @example
 * ```ts
 * const policy = parsePolicy({ tools: { shell_exec: { enabled: false } } });
 * const guard = createSecurityGuard({ policy, sink: consoleAuditSink() });
 * const registry = createToolRegistry({ ...registryOptionsFromPolicy(policy), policies: [guard.hook] });
 * registry.register(guard.wrap(searchTool));
 * ```
 */
export function createSecurityGuard(options: SecurityGuardOptions = {}): SecurityGuard {
  rejectUnknownOptions('createSecurityGuard', options, SECURITY_GUARD_OPTIONS);
  const policy = options.policy ?? DEFAULT_POLICY;
  const compiled = new CompiledPolicy(policy, POLICY_LIMITS.payloadBytes.max);
  const audit =
    options.audit ??
    (options.sink === undefined
      ? undefined
      : createAuditLogger({
          sink: options.sink,
          policy: policy.audit,
          scanner: compiled.globalScanner(),
        }));
  const lockdown =
    options.lockdown ?? createLockdown(policy.emergency, audit === undefined ? {} : { audit });
  const checkAccess = options.checkAccess;
  const contact = policy.emergency.securityContact;
  const internals: GuardInternals = {
    compiled,
    keys: new KeyCache(),
    audit,
    maxConcurrent: policy.resources.maxConcurrent,
    running: 0,
  };

  const deny = (
    request: ToolPolicyRequest,
    name: string,
    message: string,
    data: GuardDenialData,
  ): ToolPolicyDecision => {
    if (audit !== undefined) {
      const event: Record<string, unknown> = {
        type: 'tool.denied',
        tool: name,
        reason: data.code,
        message,
      };
      identify(event, request);
      if (data.detectors !== undefined) event.detectors = data.detectors;
      audit.record(event as unknown as AuditEventInput);
    }
    // The precise error rides along as the tool_denied error's cause.
    return {
      allow: false,
      reason: message,
      data,
      cause: new SecurityError(data.code, message, { data }),
    };
  };

  const checkInput = (request: ToolPolicyRequest, tool: CompiledTool): ToolPolicyDecision => {
    const name = tool.name;
    const input = request.input;
    const size = jsonByteLength(input, tool.maxInputBytes);
    if (size > tool.maxInputBytes) {
      const reason = size === UNMEASURABLE ? 'depth' : 'input_bytes';
      return deny(
        request,
        name,
        `the input is ${describeSize(size)}; the limit is ${tool.maxInputBytes} bytes (resources.maxInputBytes)`,
        {
          code: 'size_limit_exceeded',
          reason,
          limit: tool.maxInputBytes,
          ...(size === UNMEASURABLE ? {} : { size }),
        },
      );
    }
    let replaced: unknown;
    let detectors: readonly string[] | undefined;
    if (tool.onInput !== 'allow') {
      let found: ReturnType<typeof inspectSecrets>;
      try {
        found = inspectSecrets(input, tool.scanner, internals.keys, tool.onInput === 'redact');
      } catch (error) {
        if (!isSkreaverError(error)) throw error;
        return deny(request, name, `the input could not be scanned: ${error.message}`, {
          code: 'size_limit_exceeded',
          reason: 'depth',
        });
      }
      if (found !== undefined) {
        if (tool.onInput === 'reject') {
          return deny(
            request,
            name,
            `the input holds a secret (${found.detectors.join(', ')}); remove it, or set secrets.onInput to 'redact' or 'allow' for this tool`,
            { code: 'secret_detected', detectors: found.detectors },
          );
        }
        replaced = found.value;
        detectors = found.detectors;
      }
    }
    if (internals.running >= internals.maxConcurrent) {
      return deny(
        request,
        name,
        `${internals.running} guarded calls are running; the limit is ${internals.maxConcurrent} (resources.maxConcurrent); retry later`,
        { code: 'resource_exhausted', reason: 'concurrency', limit: internals.maxConcurrent },
      );
    }
    if (audit?.accepts('tool.allowed', 'info') === true) {
      const reason = detectors === undefined ? 'allowed' : 'redacted';
      const event: Record<string, unknown> = { type: 'tool.allowed', tool: name, reason };
      identify(event, request);
      if (detectors !== undefined) event.detectors = detectors;
      audit.record(event as unknown as AuditEventInput);
    }
    return detectors === undefined ? ALLOW : { allow: true, input: replaced };
  };

  const hook: ToolPolicyHook = (request) => {
    const name = request.tool.name;
    if (lockdown.isActive && !lockdown.allows(name.trim())) {
      return deny(
        request,
        name,
        `emergency lockdown is active for tool '${name}'${contact === undefined ? '' : `; contact ${contact}`}`,
        { code: 'lockdown_active', ...(contact === undefined ? {} : { securityContact: contact }) },
      );
    }
    const tool = compiled.tool(name);
    if (!tool.enabled) {
      return deny(request, name, `tool '${name}' is disabled by the security policy`, {
        code: 'permission_denied',
        reason: 'tool_disabled',
      });
    }
    if (checkAccess !== undefined) {
      const refusal = accessRefusal(checkAccess, request.principal, name.trim());
      if (refusal !== undefined) {
        return deny(request, name, `access denied: ${refusal}`, {
          code: 'permission_denied',
          reason: 'access_check',
        });
      }
    }
    return checkInput(request, tool);
  };

  return {
    policy,
    hook,
    lockdown,
    audit,
    get running() {
      return internals.running;
    },
    wrap: (tool) => wrapTool(tool, internals),
  };
}
