import type { SecurityPolicy, Tool, ToolRegistry } from 'skreaver';
import { type StandardToolsOptions, standardTools } from 'skreaver/tools';
import { directoryCreateTool } from './directory-create.js';
import { directoryListTool } from './directory-list.js';
import { fileReadTool } from './file-read.js';
import { fileWriteTool } from './file-write.js';
import { nodeHttpTools } from './http.js';
import type { FileToolOptions, NodeHttpToolOptions } from './options.js';

/**
 * Options of `nodeStandardTools`: those of `standardTools` (the shared
 * `maxInputBytes` and one object per local tool), with the HTTP options of
 * the DNS-pinned tools, and the file tools' options.
 */
export interface NodeStandardToolsOptions extends Omit<StandardToolsOptions, 'http'> {
  /** Options of the DNS-pinned HTTP tools. @defaultValue `{}` */
  readonly http?: NodeHttpToolOptions;
  /** Options of the file tools. @defaultValue `{}` */
  readonly files?: FileToolOptions;
}

/** Options of `registerNodeStandardTools`. */
export interface RegisterNodeStandardToolsOptions extends NodeStandardToolsOptions {
  /** The security policy the HTTP and file tools follow. */
  readonly policy: SecurityPolicy;
}

/**
 * The four file tools (`file_read`, `file_write`, `directory_list`,
 * `directory_create`), fresh objects sharing `options`.
 *
 * @throws `ValidationError` `invalid_options`; `SecurityError` `policy_invalid`.
 */
export function fileTools(policy: SecurityPolicy, options: FileToolOptions = {}): Tool[] {
  return [
    fileReadTool(policy, options),
    fileWriteTool(policy, options),
    directoryListTool(policy, options),
    directoryCreateTool(policy, options),
  ] as Tool[];
}

/**
 * Makes all sixteen standard tools for Node, each a fresh object: the local
 * ones of `skreaver/tools` (text, JSON, XML), the HTTP tools with DNS
 * pinning (`http_get`, `http_post`, `http_put`, `http_delete`) in place of
 * the `fetch` ones, and the file tools (`file_read`, `file_write`,
 * `directory_list`, `directory_create`).
 *
 * @param policy - The security policy of the HTTP and file tools. With
 *   `DEFAULT_POLICY` they are made but refuse every call (`http.enabled`
 *   and `fs.enabled` are false).
 * @throws `ValidationError` `invalid_options` for a bad option;
 *   `SecurityError` `policy_invalid` when the policy's host or path rules
 *   do not compile.
 * @example
 * ```ts
 * const policy = {
 *   ...DEFAULT_POLICY,
 *   fs: { ...DEFAULT_POLICY.fs, enabled: true, allowPaths: ['/srv/agent'] },
 *   http: { ...DEFAULT_POLICY.http, enabled: true, allowDomains: ['api.example.com'] },
 * };
 * const registry = createToolRegistry();
 * for (const tool of nodeStandardTools(policy)) registry.register(tool);
 * await registry.dispatch({ name: 'file_read', input: 'notes.txt' }); // /srv/agent/notes.txt
 * ```
 */
export function nodeStandardTools(
  policy: SecurityPolicy,
  options: NodeStandardToolsOptions = {},
): Tool[] {
  const { http, files, ...local } = options;
  const shared =
    options.maxInputBytes === undefined ? {} : { maxInputBytes: options.maxInputBytes };
  return [
    ...standardTools(undefined, local),
    ...nodeHttpTools(policy, { ...shared, ...http }),
    ...fileTools(policy, { ...shared, ...files }),
  ];
}

/**
 * Registers every tool `nodeStandardTools` makes in `registry` and returns
 * the registry.
 *
 * @throws `ToolError` `tool_duplicate` when one of the names is already
 *   registered (the tools before it stay registered); `ValidationError`
 *   `invalid_options` or `SecurityError` `policy_invalid` (then nothing is
 *   registered).
 * @example
 * ```ts
 * const registry = registerNodeStandardTools(createToolRegistry(), { policy, files: { baseDir: '/srv/agent' } });
 * ```
 */
export function registerNodeStandardTools(
  registry: ToolRegistry,
  options: RegisterNodeStandardToolsOptions,
): ToolRegistry {
  const { policy, ...rest } = options;
  for (const tool of nodeStandardTools(policy, rest)) registry.register(tool);
  return registry;
}
