/**
 * A complete agent on the core: a tool, a registry, a coordinator, an agent
 * that calls the tool and remembers what it saw, and an event listener.
 * `examples/examples.test.ts` runs it.
 */
import {
  type Agent,
  createCoordinator,
  createToolRegistry,
  defineTool,
  inMemoryMemory,
} from 'skreaver';

export async function main(lines: readonly string[]): Promise<string[]> {
  const registry = createToolRegistry({ timeoutMs: 5_000 });
  registry.register(
    defineTool({
      name: 'text_uppercase',
      description: 'Upper-cases text',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      call: ({ text }: { text: string }) => text.toUpperCase(),
    }),
  );

  let input = '';
  let reply: string | undefined;
  const echo: Agent<string, string> = {
    async observe(observation, ctx) {
      input = observation;
      reply = undefined;
      await ctx.memory.store('last_input', observation);
    },
    callTools: () =>
      reply === undefined ? [{ name: 'text_uppercase', input: { text: input } }] : [],
    handleResult({ result }) {
      reply = result.ok ? String(result.output) : `failed: ${result.error.code}`;
    },
    act: () => `Echo: ${reply}`,
  };

  const memory = inMemoryMemory();
  const coordinator = createCoordinator<string, string>({ registry, memory });
  const calls: string[] = [];
  coordinator.on('tool.called', (event) => calls.push(event.call.name));
  await coordinator.add('echo', echo);

  const replies: string[] = [];
  for (const line of lines) replies.push(await coordinator.step('echo', line));

  // The coordinator namespaces each agent's memory under its id.
  replies.push(`remembered: ${await memory.load('echo:last_input')}`, `tools: ${calls.join(',')}`);
  await coordinator.close();
  await registry.close();
  await memory.close();
  return replies;
}
