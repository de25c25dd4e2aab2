import {
  createToolRegistry,
  type Logger,
  type Tool,
  type ToolPolicyHook,
  type ToolRegistry,
  type Tracer,
  ValidationError,
} from 'skreaver';
import type { ResolvedSettings } from './_resolve-options.js';
import { coreRecorder, type HttpMetrics } from './metrics.js';
import type { HttpRuntimeOptions } from './options.js';

/** The registry agents call through, and whether the runtime owns (and so closes) it. */
export interface BuiltRegistry {
  readonly registry: ToolRegistry;
  readonly owned: boolean;
}

/**
 * Uses the caller's registry, or builds one whose policies are the guard's
 * hook, then RBAC (when auth is on), then `toolPolicies`. Registers
 * `options.tools` and every agent type's tools; the same tool object twice
 * is fine, two different tools under one name are refused.
 *
 * @throws `ValidationError` `invalid_options` for conflicting tools; what `register` throws.
 */
export function buildRegistry(
  options: HttpRuntimeOptions,
  settings: ResolvedSettings,
  metrics: HttpMetrics,
  tracer: Tracer | undefined,
  logger: Logger,
): BuiltRegistry {
  let registry = options.registry;
  const owned = registry === undefined;
  if (registry === undefined) {
    const policies: ToolPolicyHook[] = [];
    if (options.guard !== undefined) policies.push(options.guard.hook);
    if (settings.auth !== undefined) policies.push(settings.auth.rbac.toolPolicyHook());
    policies.push(...(options.toolPolicies ?? []));
    registry = createToolRegistry({
      policies,
      metrics: coreRecorder(metrics),
      logger,
      ...(tracer === undefined ? {} : { tracer }),
    });
  }
  const tools: Tool[] = [...(options.tools ?? [])];
  for (const type of settings.agentTypes.values()) tools.push(...(type.tools ?? []));
  for (const tool of tools) {
    const existing = registry.get(tool.name);
    if (existing === tool) continue;
    if (existing !== undefined) {
      throw new ValidationError(
        'invalid_options',
        `createHttpRuntime: two different tools are named '${tool.name}'; rename one.`,
        { data: { tool: tool.name } },
      );
    }
    registry.register(tool);
  }
  return { registry, owned };
}
