import type { Tool } from 'skreaver';
import { defineStandardTool, type ObjectSchema } from '../_define.js';
import { inputLimit } from '../_option-checks.js';
import type { StandardToolOptions } from '../options.js';

/** The object form of the text tools that take only text. */
const TEXT_SCHEMA: ObjectSchema = {
  type: 'object',
  properties: { text: { type: 'string', description: 'The text to work on.' } },
  required: ['text'],
  description: 'An object with the text, or the text itself as a string.',
};

/** What makes a tool that takes only text (see `defineTextTool`). */
export interface TextToolSpec<O> {
  /** The tool's name. */
  readonly name: string;
  /** The factory's name, as `invalid_options` messages quote it. */
  readonly factory: string;
  /** What the tool does, for humans and models. */
  readonly description: string;
  /** Does the work on the text. */
  run(text: string): O;
}

/**
 * A tool that takes `{ text }` or the text itself as a string (a JSON config
 * with a string `text` counts as the object form), limited by the
 * `maxInputBytes` of `options`.
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 */
export function defineTextTool<O>(
  options: StandardToolOptions,
  spec: TextToolSpec<O>,
): Tool<{ readonly text: string } | string, O> {
  return defineStandardTool<{ readonly text: string }, O>({
    name: spec.name,
    description: spec.description,
    schema: TEXT_SCHEMA,
    primary: 'text',
    fallback: true,
    maxInputBytes: inputLimit(spec.factory, options),
    run: ({ text }) => spec.run(text),
  });
}
