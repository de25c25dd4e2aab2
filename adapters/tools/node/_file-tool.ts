import type { JsonSchema, SecurityPolicy, Tool } from 'skreaver';
import { defineAsyncStandardTool, type ObjectSchema } from 'skreaver/tools';
import { type FileContext, fileContext } from './_file-context.js';
import type { FileToolOptions } from './options.js';

/**
 * The object form of a file tool: `path` (a `what`, absolute or relative to
 * the base directory) first, then `fields`; `path` and `required` must be
 * present.
 */
export function pathSchema(
  what: 'file' | 'directory',
  fields: Readonly<Record<string, JsonSchema>> = {},
  required: readonly string[] = [],
  description = 'An object with the path, or the path itself as a string.',
): ObjectSchema {
  return {
    type: 'object',
    properties: {
      path: {
        type: 'string',
        description: `The ${what}, absolute or relative to the base directory.`,
      },
      ...fields,
    },
    required: ['path', ...required],
    description,
  };
}

/** What makes a file tool (see `defineFileTool`); `C` is its config, `O` its output. */
export interface FileToolSpec<C, O> {
  /** The tool's name. */
  readonly name: string;
  /** The factory's name, as `invalid_options` messages quote it. */
  readonly factory: string;
  /** What the tool does, for humans and models. */
  readonly description: string;
  /** The object form; its `path` field is what a plain string stands for. */
  readonly schema: ObjectSchema;
  /** Turns a string that is not a JSON config into the config (see `StandardToolSpec.fromRaw`). */
  readonly fromRaw?: (text: string) => Record<string, unknown>;
  /** Does the work, once the policy has been found to enable the tool. */
  run(context: FileContext, config: C): Promise<O>;
}

/**
 * A file tool: its context read once from the policy and options, a string
 * input standing for the `path` (or what `fromRaw` makes of it), and every
 * call refused with `tool_denied` while the policy disables the tool.
 *
 * @throws `ValidationError` `invalid_options`; `SecurityError` `policy_invalid`.
 */
export function defineFileTool<C, O>(
  policy: SecurityPolicy,
  options: FileToolOptions,
  spec: FileToolSpec<C, O>,
): Tool<C | string, O> {
  const context = fileContext(spec.name, spec.factory, policy, options);
  return defineAsyncStandardTool<C, O>({
    name: spec.name,
    description: spec.description,
    schema: spec.schema,
    primary: 'path',
    fallback: true,
    ...(spec.fromRaw === undefined ? {} : { fromRaw: spec.fromRaw }),
    maxInputBytes: context.maxInputBytes,
    run: async (config) => {
      context.checkEnabled();
      return spec.run(context, config);
    },
  });
}
