import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import {
  consoleAuditSink,
  createSecurityGuard,
  createToolRegistry,
  DEFAULT_POLICY,
  formatPolicyProblem,
  type Logger,
  policyForTool,
  registryOptionsFromPolicy,
  type SecurityPolicy,
  type Tool,
} from 'skreaver';
import type { ConfigTomlModule } from './config.js';

/** The `skreaver/mcp` module, loaded only when `skreaver mcp` runs. */
export type McpModule = typeof import('skreaver/mcp');
/** The `skreaver/tools/node` module, loaded only with `--policy`. */
export type NodeToolsModule = typeof import('skreaver/tools/node');
/** The `skreaver/tools` module. */
export type ToolsModule = typeof import('skreaver/tools');

/** Options of {@link mcpCommand}. */
export interface McpCommandOptions {
  /**
   * The TOML security policy, as the user typed it (relative to `cwd`).
   * Without it only the local standard tools (text, JSON, XML) are served,
   * under the default policy.
   */
  readonly policy?: string;
  /** The MCP client's messages. */
  readonly stdin: Readable;
  /** The answers; nothing else is written here. */
  readonly stdout: Writable;
  /** Warnings, audit events and the startup line. */
  readonly stderr: Writable;
  /** Directory a relative `policy` starts from. @defaultValue process.cwd() */
  readonly cwd?: string;
  /** The version reported in `initialize`. @defaultValue the package version, or '0.0.0' */
  readonly version?: string;
  /** Loads `skreaver/config/toml`. @defaultValue dynamic `import()` */
  readonly loadToml?: () => Promise<ConfigTomlModule>;
  /** Loads `skreaver/mcp`. @defaultValue dynamic `import()` */
  readonly loadMcp?: () => Promise<McpModule>;
  /** Loads `skreaver/tools/node`. @defaultValue dynamic `import()` */
  readonly loadNodeTools?: () => Promise<NodeToolsModule>;
  /** Loads `skreaver/tools`. @defaultValue dynamic `import()` */
  readonly loadTools?: () => Promise<ToolsModule>;
}

async function load<M>(what: string, loader: () => Promise<M>): Promise<M> {
  try {
    return await loader();
  } catch (error) {
    throw new Error(`skreaver mcp needs ${what}: ${(error as Error).message}`, { cause: error });
  }
}

async function packageVersionOrDefault(): Promise<string> {
  try {
    const { packageVersion } = await import('../help.js');
    return packageVersion();
  } catch {
    return '0.0.0';
  }
}

function stderrLogger(stderr: Writable): Logger {
  const line = (level: string, message: string, fields?: Readonly<Record<string, unknown>>) => {
    const extra = fields === undefined ? '' : ` ${JSON.stringify(fields)}`;
    stderr.write(`skreaver mcp: ${level}: ${message}${extra}\n`);
  };
  return {
    debug: () => {},
    info: () => {},
    warn: (message, fields) => line('warning', message, fields),
    error: (message, fields) => line('error', message, fields),
  };
}

/**
 * `skreaver mcp [--policy FILE]`: serves the standard tools to one MCP
 * client over stdio until stdin ends. With a policy file, all sixteen
 * standard tools (file and HTTP tools included, confined by the policy);
 * without one, the local text, JSON and XML tools. Every call goes through
 * the security guard (policy checks, audit events as JSON lines on stderr)
 * and the policy's per-tool timeouts. Resolves the exit code (0 once the
 * client has gone).
 *
 * @throws `SecurityError` `policy_invalid` for a bad policy file.
 */
export async function mcpCommand(options: McpCommandOptions): Promise<number> {
  const stderr = options.stderr;
  let policy: SecurityPolicy = DEFAULT_POLICY;
  if (options.policy !== undefined) {
    const { loadPolicyFile } = await load(
      'the optional dependency smol-toml to read --policy (npm install smol-toml)',
      options.loadToml ?? (() => import('skreaver/config/toml')),
    );
    const path = resolve(options.cwd ?? process.cwd(), options.policy);
    const loaded = await loadPolicyFile(path, { source: options.policy });
    for (const warning of loaded.warnings) {
      stderr.write(`skreaver mcp: warning: ${formatPolicyProblem(warning)}\n`);
    }
    policy = loaded.policy;
  }
  const mcp = await load(
    'the optional dependency @modelcontextprotocol/sdk (npm install @modelcontextprotocol/sdk)',
    options.loadMcp ?? (() => import('skreaver/mcp')),
  );
  let tools: Tool[];
  if (options.policy !== undefined) {
    const { nodeStandardTools } = await load(
      'skreaver/tools/node',
      options.loadNodeTools ?? (() => import('skreaver/tools/node')),
    );
    tools = nodeStandardTools(policy);
  } else {
    const { standardTools } = await load(
      'skreaver/tools',
      options.loadTools ?? (() => import('skreaver/tools')),
    );
    tools = standardTools();
  }
  const guard = createSecurityGuard({
    policy,
    sink: consoleAuditSink({ write: (line) => stderr.write(`${line}\n`) }),
  });
  const registry = createToolRegistry({
    ...registryOptionsFromPolicy(policy),
    policies: [guard.hook],
  });
  for (const tool of tools) registry.register(guard.wrap(tool));
  const server = mcp.createMcpServer(registry, {
    name: 'skreaver',
    version: options.version ?? (await packageVersionOrDefault()),
    toolTimeoutMs: (name) => policyForTool(policy, name).resources.timeoutMs,
    logger: stderrLogger(stderr),
  });
  try {
    const session = await mcp.serveStdio(server, {
      stdin: options.stdin,
      stdout: options.stdout,
    });
    stderr.write(`skreaver mcp: serving ${tools.length} tools over stdio\n`);
    await session.closed;
  } finally {
    await server.close();
    await registry.close();
  }
  return 0;
}
