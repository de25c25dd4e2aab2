import { type Agent, type AgentContext, defineTool, type Tool, type ToolOutcome } from 'skreaver';

/** The `uppercase` tool the echo agent calls (the Rust original's registry key). */
export const uppercaseTool: Tool<string, string> = defineTool({
  name: 'uppercase',
  description: 'Upper-cases a string.',
  inputSchema: { type: 'string' },
  call: (text: string) => text.toUpperCase(),
});

/**
 * The echo demo agent: remembers each input under the memory key `input`,
 * upper-cases it with the `uppercase` tool and answers `Echo: <RESULT>`.
 */
export function echoAgent(): Agent<string, string> {
  let input = '';
  let reply: string | undefined;
  return {
    async observe(observation: string, ctx: AgentContext) {
      input = observation.trim();
      reply = undefined;
      await ctx.memory.store('input', input);
    },
    callTools() {
      return reply === undefined ? [{ name: uppercaseTool.name, input }] : [];
    },
    handleResult({ result }: ToolOutcome) {
      reply = result.ok ? String(result.output) : `[${result.error.code}] ${result.error.message}`;
    },
    act() {
      return `Echo: ${reply ?? input}`;
    },
  };
}
