/** Structured fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logging contract the core writes to. Adapters bridge it to pino,
 * console or anything else; the default discards everything.
 */
export interface Logger {
  /** Detail useful while debugging. */
  debug(message: string, fields?: LogFields): void;
  /** Normal operation worth recording. */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong but the operation continued. */
  warn(message: string, fields?: LogFields): void;
  /** An operation failed. */
  error(message: string, fields?: LogFields): void;
}

const noop = (): void => {};

/** A logger that discards everything; the default wherever a logger is optional. */
export const noopLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
});
