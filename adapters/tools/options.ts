/** Defaults of the limits every standard tool takes as options. */
export const STANDARD_TOOL_LIMITS = Object.freeze({
  /** Largest input string, in UTF-8 bytes (1 MiB). */
  maxInputBytes: 1_048_576,
  /** Most match offsets `text_search` lists. */
  maxMatches: 10_000,
  /** Most parts `text_split` returns. */
  maxParts: 10_000,
  /** Deepest nesting of arrays and objects `json_parse` and `json_transform` accept (serde_json's limit). */
  maxJsonDepth: 128,
  /** Deepest nesting of elements `xml_parse` accepts. */
  maxXmlDepth: 100,
});

/** The limit every standard tool shares. */
export interface StandardToolOptions {
  /**
   * Largest string the tool accepts, in UTF-8 bytes: each string field of
   * the object form, or the whole string of the string form (a JSON config
   * counts with its punctuation). Larger input fails with
   * `tool_invalid_input` before any work is done.
   * @defaultValue 1048576 (1 MiB)
   */
  readonly maxInputBytes?: number;
}
