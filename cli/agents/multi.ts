import type { Agent, AgentContext, Tool, ToolOutcome } from 'skreaver';
import type { AgentSession } from './builtin.js';

/** What `skreaver run multi` observes when no `--input` is given (the original's fixed input). */
export const MULTI_DEFAULT_INPUT = 'Skreaver';

/** The standard tools the multi-tool agent calls, upper-case first. */
const TOOL_NAMES = ['text_uppercase', 'text_reverse'] as const;

/** Loads the agent's tools from `skreaver/tools`, only when the agent runs. */
export async function loadMultiTools(): Promise<readonly Tool[]> {
  const { textReverseTool, textUppercaseTool } = await import('skreaver/tools');
  return [textUppercaseTool(), textReverseTool()];
}

/**
 * The multi-tool demo agent: remembers its input under the memory key
 * `input`, calls `text_uppercase` and `text_reverse` on it, and answers
 * `Echo: <input> -> [<UPPER>, <reversed>]` (or `Echo: <input>` when both fail).
 */
export function multiAgent(): Agent<string, string> {
  let input = '';
  let asked = false;
  const results: string[] = [];
  return {
    async observe(observation: string, ctx: AgentContext) {
      input = observation;
      asked = false;
      results.length = 0;
      await ctx.memory.store('input', input);
    },
    callTools() {
      if (asked) return [];
      asked = true;
      return TOOL_NAMES.map((name) => ({ name, input: { text: input } }));
    },
    handleResult({ result }: ToolOutcome) {
      // Only successes count, as in the original; a failure just leaves its slot out.
      if (result.ok) results.push(String((result.output as { result: unknown }).result));
    },
    act() {
      return results.length === 0 ? `Echo: ${input}` : `Echo: ${input} -> [${results.join(', ')}]`;
    },
  };
}

/**
 * Runs the multi-tool agent without reading stdin: one step on
 * {@link MULTI_DEFAULT_INPUT}, or one per line of `--input`.
 */
export async function multiSession(session: AgentSession): Promise<void> {
  const observations =
    session.input === undefined ? [MULTI_DEFAULT_INPUT] : session.input.split(/\r?\n/);
  for (const observation of observations) {
    session.write(`Agent said: ${await session.step(observation)}\n`);
  }
}
