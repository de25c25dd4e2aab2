import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createCoordinator, createToolRegistry, inMemoryMemory } from 'skreaver';
import { builtinAgents } from '../agents/index.js';
import { UsageError } from '../usage-error.js';

/** Options of {@link runAgent}. */
export interface RunOptions {
  /** Built-in agent name. */
  readonly agent: string;
  /** Text to process instead of stdin (one step per line). */
  readonly input?: string;
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
  const registry = createToolRegistry();
  for (const tool of builtin.tools) registry.register(tool);
  const coordinator = createCoordinator<string, string>({ registry, memory: inMemoryMemory() });
  await coordinator.add(options.agent, builtin.create());
  try {
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
}
