import type { Logger } from '../observability/logger.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import type { Tracer } from '../observability/tracing.js';
import type { Deadlines } from '../timing/deadlines.js';
import type { SchemaNode } from './_json-schema-node.js';
import type { JsonSerialisableOptions } from './output-check.js';
import type { ToolPolicyHook } from './registry.js';
import type { StandardSchemaV1Props } from './standard-schema.js';
import type { Tool } from './tool.js';

/** What the gate needs from a waiting call. */
export interface Waiter {
  prev: Waiter | null;
  next: Waiter | null;
  queued: boolean;
  holdsSlot: boolean;
  /** Called (in a microtask) once the waiter holds a slot. */
  granted(): void;
}

/** A registered tool with its concurrency gate. */
export interface ToolEntry {
  readonly tool: Tool;
  /** The validated name the tool is registered under. */
  readonly name: string;
  /** The compiled input schema; null when a Standard Schema validator replaces it. */
  readonly schema: SchemaNode | null;
  readonly validator: StandardSchemaV1Props | null;
  /** Calls holding a slot. */
  active: number;
  /** Calls waiting in line. */
  waiting: number;
  head: Waiter | null;
  tail: Waiter | null;
}

/** Everything a dispatch needs from its registry, resolved once at creation. */
export interface RegistryState {
  readonly tools: Map<string, ToolEntry>;
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly policies: readonly ToolPolicyHook[];
  readonly checkOutput: boolean;
  readonly maxJsonDepth: number;
  readonly outputLimits: JsonSerialisableOptions;
  /** Undefined for the no-op recorder, so the hot path reads no clock and builds no metric. */
  readonly metrics: MetricsRecorder | undefined;
  readonly tracer: Tracer;
  /** False for the no-op tracer, so the hot path opens no span. */
  readonly tracing: boolean;
  readonly logger: Logger;
  closed: boolean;
  /** Calls that went asynchronous and are not finished (result given, tool settled or abandoned). */
  readonly live: Set<{ shutdown(): void }>;
  /** Resolves `close()` once `live` is empty. */
  drained: (() => void) | undefined;
  /** Per-call deadlines: one timer per timeout length in use, shared by the calls waiting on it. */
  readonly deadlines: Deadlines;
}

/** Reports a slot taken or given back; a throwing recorder must not break the accounting. */
export function inFlight(state: RegistryState, entry: ToolEntry, delta: 1 | -1): void {
  const metrics = state.metrics;
  if (metrics?.toolInFlight === undefined) return;
  try {
    metrics.toolInFlight(entry.name, delta);
  } catch {
    // Recorders must not throw; if one does, the call goes on.
  }
}

/** Adds a waiter at the end of the tool's line. */
export function enqueue(entry: ToolEntry, waiter: Waiter): void {
  waiter.queued = true;
  waiter.prev = entry.tail;
  waiter.next = null;
  if (entry.tail === null) entry.head = waiter;
  else entry.tail.next = waiter;
  entry.tail = waiter;
  entry.waiting++;
}

/** Removes a waiter from wherever it stands in line (it gave up or the registry closed). */
export function unlink(entry: ToolEntry, waiter: Waiter): void {
  if (!waiter.queued) return;
  if (waiter.prev === null) entry.head = waiter.next;
  else waiter.prev.next = waiter.next;
  if (waiter.next === null) entry.tail = waiter.prev;
  else waiter.next.prev = waiter.prev;
  waiter.prev = null;
  waiter.next = null;
  waiter.queued = false;
  entry.waiting--;
}

/**
 * Gives free slots to the first waiters in line. The slot is taken now, so a
 * newcomer cannot overtake; the waiter runs in a microtask, so a long line of
 * synchronous tools does not grow the stack.
 */
export function grantSlots(state: RegistryState, entry: ToolEntry): void {
  while (entry.active < state.maxConcurrent && entry.head !== null) {
    const waiter = entry.head;
    unlink(entry, waiter);
    entry.active++;
    waiter.holdsSlot = true;
    inFlight(state, entry, 1);
    queueMicrotask(() => waiter.granted());
  }
}

/** Gives back a waiter's slot, if it holds one, and lets the next in line run. */
export function releaseSlot(state: RegistryState, entry: ToolEntry, waiter: Waiter): void {
  if (!waiter.holdsSlot) return;
  waiter.holdsSlot = false;
  entry.active--;
  inFlight(state, entry, -1);
  grantSlots(state, entry);
}
