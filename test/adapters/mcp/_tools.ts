import {
  createToolRegistry,
  type Principal,
  type Tool,
  type ToolPolicyHook,
  type ToolRegistry,
  type ToolRegistryOptions,
} from 'skreaver';
import { reportProgress } from 'skreaver/mcp';

/** What the test tools saw, for assertions. */
export interface ToolLog {
  /** Reasons the `wait` tool's signal aborted with, in order. */
  readonly aborts: unknown[];
  /** Principals the `whoami` tool ran as. */
  readonly principals: (Principal | undefined)[];
  /** Resolves the next time the `wait` tool starts. */
  started(): Promise<void>;
}

/** A handful of tools covering every path through the MCP server. */
export function testTools(): { tools: Tool[]; log: ToolLog } {
  const aborts: unknown[] = [];
  const principals: (Principal | undefined)[] = [];
  let onStart: (() => void)[] = [];
  const log: ToolLog = {
    aborts,
    principals,
    started: () => new Promise<void>((resolve) => onStart.push(resolve)),
  };
  const tools: Tool[] = [
    {
      name: 'echo',
      description: 'Echoes its text.',
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string', maxLength: 100 } },
        required: ['text'],
        additionalProperties: false,
      },
      call: (input) => ({ echo: (input as { text: string }).text }),
    },
    {
      name: 'upper',
      description: 'Upper-cases a string.',
      inputSchema: { type: 'string' },
      call: (input) => String(input).toUpperCase(),
    },
    {
      name: 'fail',
      description: 'Always fails.',
      inputSchema: { type: 'object' },
      call: () => {
        throw new Error('boom');
      },
    },
    {
      name: 'bad_output',
      description: 'Returns something that is not JSON.',
      inputSchema: { type: 'object' },
      call: () => ({ big: 10n }),
    },
    {
      name: 'wait',
      description: 'Waits until its signal aborts.',
      inputSchema: { type: 'object' },
      call: (_input, ctx) =>
        new Promise((_, reject) => {
          const signal = ctx.signal;
          signal.addEventListener('abort', () => {
            aborts.push(signal.reason);
            reject(signal.reason);
          });
          const waiting = onStart;
          onStart = [];
          for (const resolve of waiting) resolve();
        }),
    },
    {
      name: 'progress',
      description: 'Reports progress 1, 1, 2, 3 of 3, then answers.',
      inputSchema: { type: 'object' },
      async call(_input, ctx) {
        for (const step of [1, 1, 2, 3]) {
          reportProgress(ctx, step, { total: 3, message: `step ${step}` });
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return 'done';
      },
    },
    {
      name: 'whoami',
      description: 'Says who called.',
      inputSchema: { type: 'object' },
      call: (_input, ctx) => {
        principals.push(ctx.principal);
        return ctx.principal?.id ?? 'anonymous';
      },
    },
    {
      name: 'admin_only',
      description: 'Only admins may call this.',
      inputSchema: { type: 'object' },
      call: () => 'secret',
    },
  ];
  return { tools, log };
}

/** Denies `admin_only` unless the caller has the `admin` role. */
export const adminOnly: ToolPolicyHook = ({ tool, principal }) =>
  tool.name === 'admin_only' && !(principal?.roles.includes('admin') ?? false)
    ? { allow: false, reason: 'admins only', data: { code: 'permission_denied' } }
    : { allow: true };

/** A registry with the test tools and the admin policy. */
export function testRegistry(options: ToolRegistryOptions = {}): {
  registry: ToolRegistry;
  log: ToolLog;
} {
  const { tools, log } = testTools();
  const registry = createToolRegistry({ policies: [adminOnly], ...options });
  for (const tool of tools) registry.register(tool);
  return { registry, log };
}
