import type { StandardToolOptions } from '../options.js';

/** Options of `xmlParseTool`. */
export interface XmlParseOptions extends StandardToolOptions {
  /**
   * How deeply elements may nest (the root element is level 1). Deeper
   * documents fail with `tool_invalid_input` (`data.reason: 'too_deep'`).
   * Each level adds one or two levels to the JSON output (two where
   * repeated elements become an array), which must stay within the
   * registry's `maxJsonDepth` (256).
   * @defaultValue 100
   */
  readonly maxDepth?: number;
  /**
   * What happens to sibling elements with the same name: `'array'` collects
   * them in an array in document order; `'last'` keeps only the last, as
   * the Rust original did.
   * @defaultValue 'array'
   */
  readonly repeatedElements?: 'array' | 'last';
}
