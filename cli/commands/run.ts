import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createCoordinator, createToolRegistry } from 'skreaver';
import { type AgentSession, builtinAgents } from '../agents/index.js';
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

/** The default session: one step per input line, printing `Agent said: <action>`. */
async function lineSession(session: AgentSession): Promise<void> {
  for await (const line of session.lines()) {
    session.write(`Agent said: ${await session.step(line)}\n`);
  }
}

async function* each(lines: readonly string[]): AsyncGenerator<string> {
  yield* lines;
}

/**
 * Runs a built-in agent through its session (by default one coordinator
 * step per input line, printing `Agent said: <action>`); returns at the end
 * of input or when the session ends.
 */
export async function runAgent(options: RunOptions): Promise<void> {
  const builtin = builtinAgents[options.agent];
  if (builtin === undefined) {
    throw new UsageError(
      `Unknown agent '${options.agent}'. Built-in agents: ${Object.keys(builtinAgents).join(', ')}.`,
    );
  }
  await withMemory(options.memory ?? 'memory:', options, async (memory) => {
    const tools = await builtin.tools();
    const registry = createToolRegistry();
    for (const tool of tools) registry.register(tool);
    // The coordinator gives each agent `namespaced(memory, agentId)`, so the
    // echo agent's `input` is `echo:input` in the backend.
    const coordinator = createCoordinator<string, string>({
      registry,
      memory,
      ...(builtin.maxRounds === undefined ? {} : { maxRounds: builtin.maxRounds }),
    });
    const write = (text: string) => {
      options.stdout.write(text);
    };
    let reader: Interface | undefined;
    try {
      await coordinator.add(options.agent, builtin.create({ write }));
      const session: AgentSession = {
        input: options.input,
        lines: () => {
          if (options.input !== undefined) return each(options.input.split(/\r?\n/));
          reader ??= createInterface({ input: options.stdin, crlfDelay: Number.POSITIVE_INFINITY });
          return reader;
        },
        step: (observation) => coordinator.step(options.agent, observation),
        write,
      };
      await (builtin.session ?? lineSession)(session);
    } finally {
      // Leaving the line loop early (`quit`) leaves stdin flowing, which would
      // keep the process alive until the other end closes it.
      if (reader !== undefined) {
        reader.close();
        options.stdin.pause();
      }
      await coordinator.close();
      await registry.close();
    }
  });
}
