import type {
  AuditPolicy,
  EmergencyPolicy,
  FsPolicy,
  HttpPolicy,
  NetworkPolicy,
  ResourcePolicy,
  SecretsPolicy,
  SecurityPolicy,
  ToolPolicyOverride,
} from './policy.js';

/**
 * The policy one tool runs under: the global sections with the tool's
 * override merged in (see `ToolPolicyOverride`).
 */
export interface EffectiveToolPolicy {
  /** False when the override says `enabled: false`: every call is denied. */
  readonly enabled: boolean;
  /** File-system rules; `enabled` is the global flag AND the override's. */
  readonly fs: FsPolicy;
  /** HTTP rules; `enabled` is the global flag AND the override's. */
  readonly http: HttpPolicy;
  /** Network rules; `enabled` is the global flag AND the override's. */
  readonly network: NetworkPolicy;
  /** Per-call limits. */
  readonly resources: ResourcePolicy;
  /** Secret handling. */
  readonly secrets: SecretsPolicy;
  /** Audit settings (global only). */
  readonly audit: AuditPolicy;
  /** Lockdown settings (global only). */
  readonly emergency: EmergencyPolicy;
}

interface PolicyMemo {
  /** Shared by every tool without an override. */
  base: EffectiveToolPolicy | undefined;
  /** Tools with an override (bounded by the policy's `tools`). */
  readonly byTool: Map<string, EffectiveToolPolicy>;
}

// A memo of a pure function keyed weakly by immutable policies: it keeps no
// policy alive and is only consulted for frozen ones, so it cannot go stale.
const memo = new WeakMap<SecurityPolicy, PolicyMemo>();

/** `global` with `override` laid over it; an `enabled` flag can only turn a section off. */
function section<T extends object>(global: T, override: Partial<T> | undefined): T {
  if (override === undefined) return global;
  const merged: Record<string, unknown> = { ...global, ...override };
  const enabled = (global as { enabled?: unknown }).enabled;
  if (typeof enabled === 'boolean') {
    merged.enabled = enabled && (override as { enabled?: unknown }).enabled !== false;
  }
  return Object.freeze(merged) as T;
}

function merge(
  policy: SecurityPolicy,
  override: ToolPolicyOverride | undefined,
): EffectiveToolPolicy {
  return Object.freeze({
    enabled: override?.enabled !== false,
    fs: section(policy.fs, override?.fs),
    http: section(policy.http, override?.http),
    network: section(policy.network, override?.network),
    resources: section(policy.resources, override?.resources),
    secrets: section(policy.secrets, override?.secrets),
    audit: policy.audit,
    emergency: policy.emergency,
  });
}

/**
 * The effective policy of one tool. Per `ToolPolicyOverride`:
 * `enabled: false` at the top denies the tool; `enabled` inside `fs`, `http` or
 * `network` can only narrow (a section off globally stays off for every
 * tool); every other field given replaces the global value for this tool
 * (lists replace, they do not extend). Results are cached per policy object
 * when the policy is frozen (as `validatePolicy()` returns it), so repeated
 * calls are a map lookup; tools without an override share one object.
 *
 * @example
 * ```ts
 * const policy = parsePolicy({ http: { enabled: true }, tools: { web: { http: { timeoutMs: 5_000 } } } });
 * policyForTool(policy, 'web').http.timeoutMs; // 5000
 * policyForTool(policy, 'other').http.timeoutMs; // 30000
 * ```
 */
export function policyForTool(policy: SecurityPolicy, toolName: string): EffectiveToolPolicy {
  const tools = policy.tools;
  const override = Object.hasOwn(tools, toolName) ? tools[toolName] : undefined;
  if (!Object.isFrozen(policy)) return merge(policy, override);
  let entry = memo.get(policy);
  if (entry === undefined) {
    entry = { base: undefined, byTool: new Map() };
    memo.set(policy, entry);
  }
  if (override === undefined) {
    entry.base ??= merge(policy, undefined);
    return entry.base;
  }
  let effective = entry.byTool.get(toolName);
  if (effective === undefined) {
    effective = merge(policy, override);
    entry.byTool.set(toolName, effective);
  }
  return effective;
}
