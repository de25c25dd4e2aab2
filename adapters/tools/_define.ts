import {
  compileJsonSchema,
  exceedsUtf8Bytes,
  type JsonSchema,
  type StandardSchemaV1,
  type Tool,
  type ToolContext,
  utf8ByteLength,
} from 'skreaver';
import { InputRefusal, refuse, toolInputError } from './_errors.js';
import { shortenMessage } from './_text.js';

/** The object form of a tool's input: named fields, the `required` ones listed. */
export interface ObjectSchema extends JsonSchema {
  /** Always `'object'`. */
  readonly type: 'object';
  /** The fields, by name; only these reach the tool. */
  readonly properties: Readonly<Record<string, JsonSchema>>;
  /** The fields that must be present. */
  readonly required: readonly string[];
}

/**
 * What a standard tool is made of (see `defineStandardTool`): `C` is the
 * normalised config `run` receives, `O` what it returns.
 */
export interface StandardToolSpec<C, O> {
  /** The tool's name. */
  readonly name: string;
  /** What the tool does, for humans and models. */
  readonly description: string;
  /** The object form, published as the tool's `inputSchema`. */
  readonly schema: ObjectSchema;
  /** The string field a JSON config must carry (and a plain string stands for, with `fallback`). */
  readonly primary: string;
  /**
   * Whether a string that is not a JSON config with a string `primary` is
   * the primary value itself (the original's raw-input form). Without it a
   * string must be a JSON config.
   */
  readonly fallback: boolean;
  /**
   * With `fallback`: turns a string that is not a JSON config into the
   * candidate config (it is then checked against `schema`), or refuses it
   * with `refuseInput`. Without it the string is the `primary` field.
   * @defaultValue `(text) => ({ [primary]: text })`
   */
  readonly fromRaw?: (text: string) => Record<string, unknown>;
  /** Largest string accepted, in UTF-8 bytes. */
  readonly maxInputBytes: number;
  /** Does the work on a normalised config; may throw (or reject with) an input refusal. */
  run(config: C, ctx: ToolContext): O;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? String(type) : `a ${type}`;
}

function segmentsOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      message: shortenMessage(error instanceof Error ? error.message : String(error)),
    };
  }
}

function tooLarge(path: readonly string[], text: string, limit: number): never {
  return refuse(
    path,
    `is ${utf8ByteLength(text)} bytes long; this tool takes at most ${limit} (option maxInputBytes)`,
    { reason: 'input_too_large', limit },
  );
}

/** Turns either input form into a config, or throws `InputRefusal`. */
function makeNormaliser<C>(spec: StandardToolSpec<C, unknown>): (input: unknown) => C {
  const compiled = compileJsonSchema(spec.schema);
  const fields = Object.keys(spec.schema.properties);
  const { primary, maxInputBytes } = spec;

  const fromString = (input: string): Record<string, unknown> => {
    if (exceedsUtf8Bytes(input, maxInputBytes)) tooLarge([], input, maxInputBytes);
    if (spec.fallback) {
      // Only text that looks like an object can be a config; skip the parse otherwise.
      const parsed = input.trimStart().startsWith('{') ? parseJson(input) : undefined;
      if (parsed?.ok && isRecord(parsed.value) && typeof parsed.value[primary] === 'string') {
        return parsed.value;
      }
      return spec.fromRaw === undefined ? { [primary]: input } : spec.fromRaw(input);
    }
    const parsed = parseJson(input);
    if (!parsed.ok) refuse([], `is not a valid JSON config: ${parsed.message}`);
    if (!isRecord(parsed.value)) {
      refuse([], `is not a JSON config object (got ${kindOf(parsed.value)})`);
    }
    return parsed.value;
  };

  return (input: unknown): C => {
    let candidate: Record<string, unknown>;
    if (typeof input === 'string') candidate = fromString(input);
    else if (isRecord(input)) candidate = input;
    else {
      refuse(
        [],
        `must be an object with a string '${primary}' field or ${spec.fallback ? 'a string' : 'its JSON text'}, got ${kindOf(input)}`,
      );
    }
    const issues = compiled.check(candidate);
    if (issues.length > 0) {
      throw new InputRefusal(
        issues.map((issue) => ({ path: segmentsOf(issue.path), message: issue.message })),
      );
    }
    const config: Record<string, unknown> = {};
    for (const field of fields) {
      if (!Object.hasOwn(candidate, field)) continue;
      const value = candidate[field];
      if (value === undefined) continue;
      if (typeof value === 'string' && exceedsUtf8Bytes(value, maxInputBytes)) {
        tooLarge([field], value, maxInputBytes);
      }
      config[field] = value;
    }
    return config as C;
  };
}

/**
 * The Standard Schema validator of a standard tool: the normalisation, with
 * refusals that carry a `reason` left to `call`, which throws them with
 * their full data (the registry's issue list could not carry `reason` and
 * `limit`).
 */
function validatorOf<C>(normalise: (input: unknown) => C): StandardSchemaV1<unknown, C | string> {
  return {
    '~standard': {
      version: 1,
      vendor: 'skreaver',
      validate(value: unknown) {
        try {
          return { value: normalise(value) };
        } catch (error) {
          if (!(error instanceof InputRefusal)) throw error;
          if (error.detail.reason !== undefined) return { value: value as C | string };
          return { issues: error.issues.map(({ path, message }) => ({ path, message })) };
        }
      },
    },
  };
}

/** Everything of a standard tool but `call`. */
function describeTool<C>(
  spec: StandardToolSpec<C, unknown>,
  normalise: (input: unknown) => C,
): Omit<Tool<C | string, never>, 'call'> {
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: spec.schema,
    validator: validatorOf(normalise),
  };
}

/** What `call` throws for `error`: an input refusal becomes `tool_invalid_input`, the rest passes. */
function asToolError(tool: string, error: unknown): unknown {
  return error instanceof InputRefusal ? toolInputError(tool, error) : error;
}

/**
 * Builds a tool that takes its input as an object (checked against
 * `spec.schema`) or as a string (a JSON config, or with `fallback` the
 * primary value itself, or what `fromRaw` makes of it), normalises both to a
 * config holding only the schema's fields, and runs `spec.run` on it.
 *
 * The same normalisation serves as the tool's Standard Schema `validator`,
 * so the registry checks the input, policy hooks see the normalised config,
 * and `call` works on its own too (it normalises again, which is cheap for
 * an object that already is a config). Input refusals (see
 * `refuseInput`) become `tool_invalid_input` errors whose `data` is
 * `StandardToolErrorData`.
 *
 * @example
 * ```ts
 * const shout = defineStandardTool<{ text: string }, string>({
 *   name: 'shout', description: 'Upper-cases text and adds "!"',
 *   schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
 *   primary: 'text', fallback: true, maxInputBytes: 65_536,
 *   run: ({ text }) => `${text.toUpperCase()}!`,
 * });
 * ```
 */
export function defineStandardTool<C, O>(spec: StandardToolSpec<C, O>): Tool<C | string, O> {
  const normalise = makeNormaliser(spec);
  return {
    ...describeTool(spec, normalise),
    call(input: C | string, ctx: ToolContext): O {
      try {
        return spec.run(normalise(input), ctx);
      } catch (error) {
        throw asToolError(spec.name, error);
      }
    },
  };
}

/**
 * {@link defineStandardTool} for a tool whose work is asynchronous: `call`
 * always returns a promise, and input refusals (thrown while normalising or
 * by `run`) reject it.
 */
export function defineAsyncStandardTool<C, O>(
  spec: StandardToolSpec<C, Promise<O>>,
): Tool<C | string, O> {
  const normalise = makeNormaliser(spec);
  return {
    ...describeTool(spec, normalise),
    async call(input: C | string, ctx: ToolContext): Promise<O> {
      try {
        return await spec.run(normalise(input), ctx);
      } catch (error) {
        throw asToolError(spec.name, error);
      }
    },
  };
}
