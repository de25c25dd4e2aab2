import type { PolicyProblem, SecurityPolicy } from 'skreaver';

/** Defaults of {@link PolicyTomlOptions}. */
export const POLICY_TOML_DEFAULTS = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  strict: false,
});

/** Options of `parsePolicyToml`. */
export interface PolicyTomlOptions {
  /**
   * Largest document accepted, in UTF-8 bytes; a larger one is refused
   * before parsing.
   * @defaultValue 1048576 (1 MiB)
   */
  readonly maxBytes?: number;
  /**
   * Deepest nesting of inline tables and arrays the parser accepts.
   * @defaultValue 32
   */
  readonly maxDepth?: number;
  /**
   * Treat warnings (ignored sections and keys of the original layout,
   * translations such as an empty `allow_domains` becoming `['*']`) as
   * problems.
   * @defaultValue false
   */
  readonly strict?: boolean;
  /**
   * A name for the document in messages and in `data.source` (a file path).
   * @defaultValue none
   */
  readonly source?: string;
}

/** Options of `loadPolicyFile`. */
export type LoadPolicyFileOptions = PolicyTomlOptions;

/** A policy read from TOML, with the warnings about how it was read. */
export interface PolicyToml {
  /** The validated, frozen policy. */
  readonly policy: SecurityPolicy;
  /**
   * Things accepted but worth knowing: ignored sections (`[metadata]`,
   * `[alerting]`, `[development]`) and keys, and translations of the
   * original layout. Each has the TOML path and, when known, its line.
   */
  readonly warnings: readonly PolicyProblem[];
}
