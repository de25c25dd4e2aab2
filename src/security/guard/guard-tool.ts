import type { Tool } from '../../tools/tool.js';
import type { ResourcePolicy } from '../policy/policy.js';
import type { SecurityGuard } from './security-guard.js';

/**
 * Wraps `tool` so `guard` sees it run (same as `guard.wrap(tool)`): exact
 * overall and per-tool concurrency, the output size cap
 * (`resources.maxOutputBytes`) and `secrets.onOutput`. A refusal is a
 * `ToolError` `tool_denied` (the registry passes it through) whose
 * `data.detail.code` is the security code and whose `cause` is the
 * `SecurityError`; output problems are audited as `policy.violation`.
 *
 * @example
 * ```ts
 * registry.register(guardTool(fetchTool, guard));
 * ```
 */
export function guardTool<I, O>(tool: Tool<I, O>, guard: SecurityGuard): Tool<I, O> {
  return guard.wrap(tool);
}

/** The `createToolRegistry` options a policy's `resources` section sets. */
export interface RegistryOptionsFromPolicy {
  /** `resources.timeoutMs`: the per-call timeout. */
  readonly timeoutMs: number;
  /** `resources.maxConcurrentPerTool`: calls of one tool at once (more wait in line). */
  readonly maxConcurrentPerTool: number;
}

/**
 * Maps `policy.resources` onto `createToolRegistry` options. The registry
 * enforces these two itself; the guard enforces the rest of the section
 * (`maxInputBytes` in its hook, `maxConcurrent` and `maxOutputBytes` in
 * wrapped tools). Per-tool overrides of `timeoutMs` are not registry-wide:
 * pass `policyForTool(policy, name).resources.timeoutMs` as the dispatch
 * context's `timeoutMs` when a tool needs its own.
 *
 * @example
 * ```ts
 * const registry = createToolRegistry({ ...registryOptionsFromPolicy(policy), policies: [guard.hook] });
 * ```
 */
export function registryOptionsFromPolicy(policy: {
  readonly resources: ResourcePolicy;
}): RegistryOptionsFromPolicy {
  return {
    timeoutMs: policy.resources.timeoutMs,
    maxConcurrentPerTool: policy.resources.maxConcurrentPerTool,
  };
}
