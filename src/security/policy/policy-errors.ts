import { SecurityError } from '../../errors/families.js';

/** One thing wrong with a policy, and where. */
export interface PolicyProblem {
  /**
   * Where the problem is: `http.allowDomains[2]`, `tools.file_read.fs.enabled`,
   * `tools["odd name"]`; `''` for the policy itself. Loaders of files report
   * the key as written in the file (`http.allow_domains[2]`).
   */
  readonly path: string;
  /** What is wrong and, where it helps, what to write instead. */
  readonly message: string;
  /** 1-based line in the source file, when the policy came from one. */
  readonly line?: number;
  /** 1-based column in the source file, when known. */
  readonly column?: number;
}

/** `data` of a `policy_invalid` {@link SecurityError}. */
export interface PolicyInvalidData {
  /** Every problem found (up to `POLICY_LIMITS.maxProblems`), in document order. */
  readonly problems: readonly PolicyProblem[];
  /** Problems found past the cap and not listed; 0 when all are listed. */
  readonly omitted: number;
  /** The file the policy came from, when it came from one. */
  readonly source?: string;
}

/** How many problems the error message spells out before "and N more". */
const SHOWN_IN_MESSAGE = 5;

/** `path: message` (with `line N` when known), as the CLI and error messages print a problem. */
export function formatPolicyProblem(problem: PolicyProblem): string {
  const where = problem.path === '' ? '(policy)' : problem.path;
  const line =
    problem.line === undefined
      ? ''
      : ` (line ${problem.line}${problem.column === undefined ? '' : `, column ${problem.column}`})`;
  return `${where}: ${problem.message}${line}`;
}

/**
 * The `policy_invalid` error for a list of problems: the message names the
 * first few, `data.problems` holds them all. Loaders use it so every policy
 * error has the same shape.
 *
 * @example
 * ```ts
 * throw policyInvalidError([{ path: 'http.timeoutMs', message: 'must be positive' }]);
 * ```
 */
export function policyInvalidError(
  problems: readonly PolicyProblem[],
  options: { readonly omitted?: number; readonly source?: string; readonly cause?: unknown } = {},
): SecurityError<PolicyInvalidData> {
  const omitted = options.omitted ?? 0;
  const total = problems.length + omitted;
  const shown = problems.slice(0, SHOWN_IN_MESSAGE).map(formatPolicyProblem).join('; ');
  const more = total > SHOWN_IN_MESSAGE ? `; and ${total - SHOWN_IN_MESSAGE} more` : '';
  const where = options.source === undefined ? 'The security policy' : `${options.source}`;
  const data: { -readonly [K in keyof PolicyInvalidData]: PolicyInvalidData[K] } = {
    problems: Object.freeze([...problems]),
    omitted,
  };
  if (options.source !== undefined) data.source = options.source;
  return new SecurityError<PolicyInvalidData>(
    'policy_invalid',
    `${where} is invalid (${total} ${total === 1 ? 'problem' : 'problems'}): ${shown}${more}.`,
    options.cause === undefined ? { data } : { data, cause: options.cause },
  );
}
