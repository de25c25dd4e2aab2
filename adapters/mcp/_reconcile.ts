import type { Tool as SdkTool } from '@modelcontextprotocol/sdk/types.js';
import type { Tool, ToolRegistry } from 'skreaver';
import { bridgedName } from './_names.js';
import type { McpSkippedTool } from './bridge-options.js';

/** One bridged tool: the server's definition and the skreaver tool made from it. */
export interface BridgedEntry {
  readonly upstream: SdkTool;
  readonly tool: Tool;
  /** The definition as JSON: an unchanged tool keeps its skreaver tool object. */
  readonly fingerprint: string;
}

/** How to reconcile. */
export interface ReconcileOptions {
  readonly prefix: string;
  readonly registry: ToolRegistry | undefined;
  readonly make: (name: string, upstream: SdkTool) => Tool;
}

function fingerprint(tool: SdkTool): string {
  try {
    return JSON.stringify([tool.name, tool.description ?? '', tool.inputSchema]);
  } catch {
    // Parsed JSON cannot be cyclic, but a hand-made transport could send anything.
    return String(tool.name);
  }
}

/**
 * Turns the server's tool list into entries: unchanged tools keep their
 * objects, new and changed ones are made afresh, and the registry (when
 * there is one) follows: gone and replaced tools are unregistered (only if
 * the registry still holds this bridge's object), new ones registered. A
 * tool that cannot be made or registered is skipped, with the reason.
 */
export function reconcileTools(
  current: ReadonlyMap<string, BridgedEntry>,
  list: readonly SdkTool[],
  options: ReconcileOptions,
): { entries: Map<string, BridgedEntry>; skipped: McpSkippedTool[] } {
  const { registry } = options;
  const next = new Map<string, BridgedEntry>();
  const skipped: McpSkippedTool[] = [];
  for (const upstream of list) {
    const name = bridgedName(options.prefix, String(upstream.name));
    if (next.has(name)) {
      skipped.push({
        upstream: upstream.name,
        name,
        reason: 'another tool of this server has the same name',
      });
      continue;
    }
    const print = fingerprint(upstream);
    const existing = current.get(name);
    if (existing !== undefined && existing.fingerprint === print) {
      next.set(name, existing);
      continue;
    }
    try {
      next.set(name, { upstream, tool: options.make(name, upstream), fingerprint: print });
    } catch (error) {
      skipped.push({ upstream: upstream.name, name, reason: String(error) });
    }
  }
  if (registry !== undefined) {
    for (const [name, entry] of current) {
      if (next.get(name) !== entry && registry.get(name) === entry.tool) registry.unregister(name);
    }
    for (const [name, entry] of next) {
      if (current.get(name) === entry) continue;
      try {
        registry.register(entry.tool);
      } catch (error) {
        next.delete(name);
        const reason = error instanceof Error ? error.message : String(error);
        skipped.push({ upstream: entry.upstream.name, name, reason });
      }
    }
  }
  return { entries: next, skipped };
}
