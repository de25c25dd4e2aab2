import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Logger, noopLogger, type ToolRegistry } from 'skreaver';
import { defaultMapResult } from './_bridged-tool.js';
import type { LinkSettings } from './_client-link.js';
import { isValidPrefix } from './_names.js';
import { integerOption, invalidOption, stringOption } from './_options.js';
import {
  type ConnectMcpOptions,
  MCP_BRIDGE_DEFAULTS,
  type McpHttpTarget,
  type McpStdioTarget,
} from './bridge-options.js';

/** Every bridge option, checked and with its default. */
export interface BridgeSettings extends LinkSettings {
  readonly registry: ToolRegistry | undefined;
  readonly prefix: string;
  readonly callTimeoutMs: number;
  readonly maxCallTimeoutMs: number;
  readonly reconnect: {
    readonly maxAttempts: number;
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
  };
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly mapResult: (result: CallToolResult) => unknown;
  readonly logger: Logger;
  readonly random: () => number;
}

function target(options: ConnectMcpOptions): McpStdioTarget | McpHttpTarget {
  const { command, url } = options as { command?: unknown; url?: unknown };
  if (command !== undefined && url !== undefined) {
    throw invalidOption('command', command, 'given without url (one target per bridge)');
  }
  if (command !== undefined) {
    const stdio = options as McpStdioTarget;
    stringOption('command', stdio.command, '');
    if (
      stdio.args !== undefined &&
      (!Array.isArray(stdio.args) || !stdio.args.every((a) => typeof a === 'string'))
    ) {
      throw invalidOption('args', stdio.args, 'an array of strings');
    }
    if (stdio.stderr !== undefined && !['pipe', 'inherit', 'ignore'].includes(stdio.stderr)) {
      throw invalidOption('stderr', stdio.stderr, "'pipe', 'inherit' or 'ignore'");
    }
    return stdio;
  }
  if (url !== undefined) {
    const http = options as McpHttpTarget;
    let parsed: URL;
    try {
      parsed = http.url instanceof URL ? http.url : new URL(http.url);
    } catch {
      throw invalidOption('url', http.url, 'an absolute http(s) URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw invalidOption('url', http.url, 'an absolute http(s) URL');
    }
    return http;
  }
  throw invalidOption('command', undefined, 'given (stdio) unless url is (Streamable HTTP)');
}

/** Checks `options` and fills in defaults. */
export function bridgeSettings(options: ConnectMcpOptions): BridgeSettings {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', options, 'an object');
  }
  const server = stringOption('name', options.name, '');
  if (!isValidPrefix(server) || server === '') {
    throw invalidOption('name', server, 'up to 32 letters, digits, _ or -');
  }
  const prefix = options.prefix ?? server;
  if (typeof prefix !== 'string' || !isValidPrefix(prefix)) {
    throw invalidOption('prefix', prefix, "'' or up to 32 letters, digits, _ or -");
  }
  const registry = options.registry;
  if (
    registry !== undefined &&
    (typeof registry !== 'object' || typeof registry?.register !== 'function')
  ) {
    throw invalidOption('registry', registry, 'a ToolRegistry');
  }
  const d = MCP_BRIDGE_DEFAULTS;
  const r = options.reconnect === false ? { maxAttempts: 0 } : (options.reconnect ?? {});
  const reconnect = {
    maxAttempts: integerOption('reconnect.maxAttempts', r.maxAttempts, d.reconnect.maxAttempts, 0),
    initialDelayMs: integerOption(
      'reconnect.initialDelayMs',
      (r as { initialDelayMs?: number }).initialDelayMs,
      d.reconnect.initialDelayMs,
      0,
    ),
    maxDelayMs: integerOption(
      'reconnect.maxDelayMs',
      (r as { maxDelayMs?: number }).maxDelayMs,
      d.reconnect.maxDelayMs,
      0,
    ),
  };
  const mapResult = options.mapResult ?? defaultMapResult;
  if (typeof mapResult !== 'function') throw invalidOption('mapResult', mapResult, 'a function');
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw invalidOption('random', random, 'a function');
  const clientInfo = options.clientInfo ?? { name: 'skreaver', version: '0.0.0' };
  if (typeof clientInfo?.name !== 'string' || typeof clientInfo.version !== 'string') {
    throw invalidOption('clientInfo', clientInfo, 'an object with string name and version');
  }
  return {
    server,
    target: target(options),
    registry,
    prefix,
    connectTimeoutMs: integerOption(
      'connectTimeoutMs',
      options.connectTimeoutMs,
      d.connectTimeoutMs,
      1,
    ),
    callTimeoutMs: integerOption('callTimeoutMs', options.callTimeoutMs, d.callTimeoutMs, 1),
    maxCallTimeoutMs: integerOption(
      'maxCallTimeoutMs',
      options.maxCallTimeoutMs,
      d.maxCallTimeoutMs,
      1,
    ),
    reconnect,
    pingIntervalMs: integerOption('pingIntervalMs', options.pingIntervalMs, d.pingIntervalMs, 0),
    pingTimeoutMs: integerOption('pingTimeoutMs', options.pingTimeoutMs, d.pingTimeoutMs, 1),
    maxTools: integerOption('maxTools', options.maxTools, d.maxTools, 1),
    maxMessageBytes: integerOption(
      'maxMessageBytes',
      (options as McpStdioTarget).maxMessageBytes,
      d.maxMessageBytes,
      1024,
    ),
    mapResult,
    logger: options.logger ?? noopLogger,
    random,
    clientInfo: { name: clientInfo.name, version: clientInfo.version },
  };
}
