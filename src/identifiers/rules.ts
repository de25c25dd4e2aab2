/**
 * The rules every identifier kind follows, in one table. Lengths are UTF-8
 * bytes (what a database column or a Redis key actually holds), matching the
 * Rust original.
 */
export interface IdentifierRule {
  /** Human name used in error messages ("tool name"). */
  readonly label: string;
  /** Maximum length in UTF-8 bytes after trimming. */
  readonly maxBytes: number;
  /** Characters allowed besides letters, digits, `_` and `-`. */
  readonly extraChars: string;
  /**
   * Whether letters and digits outside ASCII are allowed.
   *
   * Tool names and agent ids are ASCII-only: LLM function-calling APIs and
   * MCP clients reject other tool names, agent ids travel in URL paths, and
   * look-alike letters (Cyrillic `а` for Latin `a`) would let two names that
   * read the same get different RBAC rules. Memory keys keep the original's
   * Unicode letters and digits so data written by it still loads.
   */
  readonly unicode: boolean;
}

/** The rule table: one row per identifier kind. */
export const IDENTIFIER_RULES = {
  toolName: { label: 'tool name', maxBytes: 64, extraChars: '', unicode: false },
  memoryKey: { label: 'memory key', maxBytes: 128, extraChars: '.:', unicode: true },
  agentId: { label: 'agent id', maxBytes: 128, extraChars: '', unicode: false },
  // Dots give topics a hierarchy (`orders.created`); `:` and `/` are refused
  // because transports build keys and channel names with them.
  topicName: { label: 'topic name', maxBytes: 128, extraChars: '.', unicode: false },
} as const satisfies Record<string, IdentifierRule>;

/** The identifier kinds in {@link IDENTIFIER_RULES}. */
export type IdentifierKind = keyof typeof IDENTIFIER_RULES;
