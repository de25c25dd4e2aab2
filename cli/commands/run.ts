import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createCoordinator, createToolRegistry } from 'skreaver';
import { builtinAgents } from '../agents/index.js';
import type { OpenMemoryOptions } from '../memory-url.js';
import { UsageError } from '../usage-error.js';
import { withMemory } from './memory.js';

/** Options of {@link runAgent}. */
export interface RunOptions extends OpenMemoryOptions {
  /** Built-in agent name. */
  readonly agent: string;
  /** Text to process instead of stdin (one step per line). */
  readonly input?: string;
  /**
   * Memory URL the agent's memory lives in, under the namespace `<agent>:`.
   * @defaultValue 'memory:'
   */
  readonly memory?: string;
  readonly stdin: Readable;
  readonly stdout: Writable;
}

/**
 * Runs a built-in agent: one coordinator step per input line, printing
 * `Agent said: <action>`; returns at the end of input.
 */
export async function runAgent(options: RunOptions): Promise<void> {
  const builtin = builtinAgents[options.agent];
  if (builtin === undefined) {
    throw new UsageError(
      `Unknown agent '${options.agent}'. Built-in agents: ${Object.keys(builtinAgents).join(', ')}.`,
    );
  }
  await withMemory(options.memory ?? 'memory:', options, async (memory) => {
    const registry = createToolRegistry();
    for (const tool of builtin.tools) registry.register(tool);
    // The coordinator gives each agent `namespaced(memory, agentId)`, so the
    // echo agent's `input` is `echo:input` in the backend.
    const coordinator = createCoordinator<string, string>({ registry, memory });
    try {
      await coordinator.add(options.agent, builtin.create());
      const lines =
        options.input === undefined
          ? createInterface({ input: options.stdin, crlfDelay: Number.POSITIVE_INFINITY })
          : options.input.split(/\r?\n/);
      for await (const line of lines) {
        const action = await coordinator.step(options.agent, line);
        options.stdout.write(`Agent said: ${action}\n`);
      }
    } finally {
      await coordinator.close();
      await registry.close();
    }
  });
}
