import type { StandardToolOptions } from '../options.js';

/** Options of `jsonParseTool` and `jsonTransformTool`. */
export interface JsonToolOptions extends StandardToolOptions {
  /**
   * How deeply arrays and objects may nest in the document (`[1]` nests 1
   * level, `1` none). Deeper documents fail with `tool_invalid_input`
   * (`data.reason: 'too_deep'`) before they are parsed. Keep it well under
   * the registry's `maxJsonDepth` (256), which the output must also pass.
   * @defaultValue 128
   */
  readonly maxDepth?: number;
}
