import type { LogFields, Logger } from 'skreaver';

/**
 * Where a call's progress sink hides on the logger its tool receives.
 * `Symbol.for`, so a tool bundled with another copy of this package still
 * finds it.
 */
const PROGRESS_SINK = Symbol.for('skreaver.mcp.progress');

/** One progress report, as MCP's `notifications/progress` carries it. */
export interface McpProgress {
  /** Work done so far; must grow from one report to the next. */
  readonly progress: number;
  /** Total work, when known. */
  readonly total?: number;
  /** What is happening, for humans. */
  readonly message?: string;
}

/** Receives a call's progress reports. */
export type McpProgressSink = (report: McpProgress) => void;

type SinkCarrier = Logger & { readonly [PROGRESS_SINK]?: McpProgressSink };

/**
 * A logger that forwards to `base` and carries `sink`. The core's tool
 * context has no progress channel yet, and the logger is the one thing a
 * dispatch context hands to the tool unchanged.
 */
export function progressLogger(base: Logger, sink: McpProgressSink): Logger {
  const logger: SinkCarrier = {
    debug: (message: string, fields?: LogFields) => base.debug(message, fields),
    info: (message: string, fields?: LogFields) => base.info(message, fields),
    warn: (message: string, fields?: LogFields) => base.warn(message, fields),
    error: (message: string, fields?: LogFields) => base.error(message, fields),
  };
  Object.defineProperty(logger, PROGRESS_SINK, { value: sink });
  return logger;
}

/**
 * A sink that passes on only finite, growing progress values (the MCP
 * specification requires each report to exceed the last).
 */
export function monotonicSink(send: McpProgressSink): McpProgressSink {
  let last = Number.NEGATIVE_INFINITY;
  return (report) => {
    const { progress } = report;
    if (typeof progress !== 'number' || !Number.isFinite(progress) || progress <= last) return;
    last = progress;
    send(report);
  };
}

/** Options of {@link reportProgress}. */
export interface ReportProgressOptions {
  /** Total work, when known. @defaultValue none */
  readonly total?: number;
  /** What is happening, for humans. @defaultValue none */
  readonly message?: string;
}

/**
 * Reports a tool's progress to whoever called it over MCP: a client of
 * `createMcpServer` that asked for progress gets `notifications/progress`,
 * and a bridged call (`connectMcp`) passes it on the same way. Reports that
 * do not grow are dropped. Returns whether anyone was listening; outside an
 * MCP call it does nothing and returns false, so tools may call it freely.
 *
 * @example
 * ```ts
 * const crawl = defineTool({
 *   name: 'crawl', description: 'Fetches pages', inputSchema: { type: 'object' },
 *   async call(input, ctx) {
 *     for (let page = 1; page <= 10; page++) {
 *       await fetchPage(page, ctx.signal);
 *       reportProgress(ctx, page, { total: 10, message: `page ${page}` });
 *     }
 *     return 'done';
 *   },
 * });
 * ```
 */
export function reportProgress(
  ctx: { readonly logger: Logger },
  progress: number,
  options: ReportProgressOptions = {},
): boolean {
  const sink = (ctx?.logger as SinkCarrier | undefined)?.[PROGRESS_SINK];
  if (typeof sink !== 'function') return false;
  const report: { progress: number; total?: number; message?: string } = { progress };
  if (typeof options.total === 'number' && Number.isFinite(options.total)) {
    report.total = options.total;
  }
  if (typeof options.message === 'string') report.message = options.message;
  try {
    sink(report);
  } catch {
    // A failing transport must not fail the tool that reported.
  }
  return true;
}
