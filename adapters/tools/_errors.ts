import {
  type PathDeniedData,
  type SecurityError,
  type SecurityErrorCode,
  ToolError,
  type ToolInputIssue,
  type UrlDeniedData,
} from 'skreaver';

/**
 * Why a standard tool refused its input after the form was accepted:
 * `input_too_large` (a string over `maxInputBytes`), `too_deep` (nesting
 * over `maxDepth`), `too_many_parts` (`text_split` over `maxParts`),
 * `invalid_json` (`json_transform`'s document), `invalid_path` (a path that
 * does not parse) or `path_not_found` (a path that selects nothing).
 */
export type StandardToolFailure =
  | 'input_too_large'
  | 'too_deep'
  | 'too_many_parts'
  | 'invalid_json'
  | 'invalid_path'
  | 'path_not_found';

/**
 * The `data` of the `tool_invalid_input` errors the standard tools throw.
 * Like the registry's own `ToolErrorData`, it names the tool and lists the
 * issues with JSON-pointer paths into the input.
 */
export interface StandardToolErrorData {
  /** The tool that refused the input. */
  readonly tool: string;
  /** What is wrong, where (a JSON pointer into the object form of the input). */
  readonly issues: readonly ToolInputIssue[];
  /** The kind of failure, when it is one of the tool's own checks rather than the input's form. */
  readonly reason?: StandardToolFailure;
  /** The limit that was exceeded (`input_too_large`, `too_deep`, `too_many_parts`). */
  readonly limit?: number;
  /** `json_transform`: the path as given. */
  readonly path?: string;
  /** `invalid_path`: the 0-based offset in the path where it stopped making sense. */
  readonly offset?: number;
}

/** One issue, with its location as object keys (a Standard Schema path). */
export interface InputIssue {
  readonly path: readonly string[];
  readonly message: string;
}

/** Extra `data` fields of a refusal. */
export type FailureDetail = Omit<StandardToolErrorData, 'tool' | 'issues'>;

/** Thrown inside a tool's input handling; turned into a `ToolError` by the tool's `call`. */
export class InputRefusal extends Error {
  constructor(
    readonly issues: readonly InputIssue[],
    readonly detail: FailureDetail = {},
  ) {
    super(issues[0]?.message ?? 'is invalid');
  }
}

/** Refuses the input with one issue. */
export function refuse(path: readonly string[], message: string, detail?: FailureDetail): never {
  throw new InputRefusal([{ path, message }], detail);
}

/**
 * Refuses a standard tool's input from inside its `run` (or `fromRaw`): the
 * tool's `call` then fails with `tool_invalid_input`, one issue at `path`
 * (object keys into the input, `[]` for the whole input) saying `message`.
 *
 * @example
 * ```ts
 * if (!text.includes(':')) refuseInput([], "is not in 'path:content' form");
 * ```
 */
export function refuseInput(path: readonly string[], message: string): never {
  throw new InputRefusal([{ path, message }]);
}

/** JSON pointer of an issue path. */
export function pointerOf(path: readonly string[]): string {
  let out = '';
  for (const key of path) out += `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return out;
}

/**
 * The error a standard tool throws for input it refuses: code
 * `tool_invalid_input` (so the registry hands it to the caller unchanged),
 * a message in the registry's own form, and {@link StandardToolErrorData}.
 */
export function toolInputError(
  tool: string,
  refusal: InputRefusal,
): ToolError<StandardToolErrorData> {
  const issues = refusal.issues.map((issue) => ({
    path: pointerOf(issue.path),
    message: issue.message,
  }));
  const first = issues[0];
  const where = first === undefined || first.path === '' ? 'input' : `input at ${first.path}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new ToolError<StandardToolErrorData>(
    'tool_invalid_input',
    `Invalid input for tool '${tool}': ${where} ${first?.message ?? 'is invalid'}${more}.`,
    { data: { tool, issues, ...refusal.detail } },
  );
}

/** `data` of a `size_limit_exceeded` refusal by a standard tool. */
export interface SizeLimitData {
  /** What was too large: an HTTP response body, or a file (read or written). */
  readonly what: 'response' | 'file';
  /** The limit, in bytes. */
  readonly limit: number;
  /** How many bytes there were (or had arrived when reading stopped), when known. */
  readonly received?: number;
  /** The URL, for a response. */
  readonly url?: string;
  /** The path as given, for a file. */
  readonly path?: string;
}

/**
 * The security refusal behind a standard tool's `tool_denied` error: the
 * `SecurityError`'s code beside its `data` (so `detail.reason` is the
 * security reason, such as `private_address` or `outside_roots`).
 */
export type SecurityDenialDetail =
  | ({ readonly code: 'url_denied' } & UrlDeniedData)
  | ({ readonly code: 'path_denied' } & PathDeniedData)
  | ({ readonly code: 'size_limit_exceeded' } & SizeLimitData)
  | { readonly code: 'permission_denied'; readonly reason: 'tool_disabled' };

/**
 * The `data` of the `tool_denied` errors the standard tools throw when the
 * security policy refuses a call, shaped like the registry's own denials
 * and the security guard's: `reason` is the policy's message and `detail`
 * the precise refusal. The `SecurityError` itself is the error's `cause`.
 */
export interface StandardToolDenialData {
  /** The tool that refused the call. */
  readonly tool: string;
  /** The security error's message. */
  readonly reason: string;
  /** The security code and the security error's data. */
  readonly detail: SecurityDenialDetail;
}

/**
 * Why a standard tool's work failed (code `tool_failed`): `dns` (the host
 * did not resolve), `network` (the connection failed or broke), `protocol`
 * (an answer that cannot be used, such as a redirect whose target the
 * runtime hides), `timeout` (the tool's own timeout passed), `io` (the
 * file system refused: not found, not a directory, permission...),
 * `invalid_utf8` (a file that is not UTF-8 text), `dependency_missing` (an
 * optional peer dependency could not be loaded).
 */
export type StandardToolFailedReason =
  | 'dns'
  | 'network'
  | 'protocol'
  | 'timeout'
  | 'io'
  | 'invalid_utf8'
  | 'dependency_missing';

/** The `data` of the `tool_failed` errors the standard tools throw themselves. */
export interface StandardToolFailedData {
  /** The tool that failed. */
  readonly tool: string;
  /** What kind of failure. */
  readonly reason: StandardToolFailedReason;
  /** The URL of the request (or the redirect hop) that failed. */
  readonly url?: string;
  /** The path as given, for the file tools. */
  readonly path?: string;
  /** The native error code (`ECONNREFUSED`, `ENOENT`...), when there is one. */
  readonly code?: string;
  /** The timeout that passed, for `timeout`. */
  readonly timeoutMs?: number;
  /** The package that could not be loaded, for `dependency_missing`. */
  readonly dependency?: string;
}

/**
 * The `tool_denied` error for a call the security policy refused: a
 * `SecurityError` (`url_denied`, `path_denied`, `size_limit_exceeded`,
 * `permission_denied`) becomes a `ToolError` the registry passes through
 * unchanged, with the security code in `data.detail.code` and the security
 * error as `cause`.
 *
 * @example
 * ```ts
 * const checked = checkUrl(url, policy);
 * if (!checked.ok) throw securityDenial('http_get', checked.error);
 * ```
 */
export function securityDenial(
  tool: string,
  error: SecurityError,
): ToolError<StandardToolDenialData> {
  const data = (typeof error.data === 'object' && error.data !== null ? error.data : {}) as Record<
    string,
    unknown
  >;
  const detail = { ...data, code: error.code as SecurityErrorCode } as SecurityDenialDetail;
  return new ToolError<StandardToolDenialData>(
    'tool_denied',
    `A policy denied the call to tool '${tool}': ${error.message}`,
    { data: { tool, reason: error.message, detail }, cause: error },
  );
}

/**
 * The `tool_failed` error a standard tool throws when its work fails (the
 * network, the file system, a missing dependency), with the native error as
 * `cause`.
 */
export function toolFailure(
  tool: string,
  message: string,
  data: Omit<StandardToolFailedData, 'tool'>,
  cause?: unknown,
): ToolError<StandardToolFailedData> {
  const full: StandardToolFailedData = { tool, ...data };
  return new ToolError<StandardToolFailedData>(
    'tool_failed',
    message,
    cause === undefined ? { data: full } : { data: full, cause },
  );
}
