import type { X2jOptions, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Tool } from 'skreaver';
import { defineAsyncStandardTool } from '../_define.js';
import { refuse, toolFailure } from '../_errors.js';
import { inputLimit, oneOf, positiveInteger } from '../_option-checks.js';
import { shortenMessage } from '../_text.js';
import { STANDARD_TOOL_LIMITS } from '../options.js';
import { XmlSyntaxError } from './_xml-entities.js';
import { CDATA_KEY, convertRoot, type OrderedNode, TEXT_KEY } from './_xml-tree.js';
import type { XmlParseOptions } from './options.js';

/** Input of `xml_parse`: `{ input }`, or the XML text itself as a string. */
export interface XmlParseInput {
  /** The XML document, as text. */
  readonly input: string;
}

/**
 * Output of `xml_parse`. XML that is not well-formed is not a tool failure
 * (as in the original): the output says `valid: false` and why.
 */
export type XmlParseOutput =
  | {
      /** The document in the original's JSON shape (see `xmlParseTool`). */
      readonly parsed: Record<string, unknown>;
      /** `parsed` as 2-space indented JSON text. */
      readonly json_representation: string;
      readonly valid: true;
      readonly success: true;
    }
  | {
      readonly valid: false;
      /** What is wrong, with a line and column where the parser gives one. */
      readonly error: string;
      readonly success: false;
    };

/** What fast-xml-parser throws when elements nest deeper than `maxNestedTags`. */
const PARSER_DEPTH_MESSAGE = 'Maximum nested tags exceeded';

function invalid(error: string): XmlParseOutput {
  return { valid: false, error: shortenMessage(error), success: false };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The optional peer dependency `xml_parse` loads on its first call. */
const DEPENDENCY = 'fast-xml-parser';

/** What `xml_parse` needs from fast-xml-parser. */
interface XmlLibrary {
  readonly parser: XMLParser;
  readonly validator: typeof XMLValidator;
}

/**
 * Loads fast-xml-parser and builds the parser, once per tool: a dynamic
 * import, so `skreaver/tools` loads (and every other tool works) without it.
 * A failed load is not kept, so installing the package later helps the next
 * call.
 */
function lazyLibrary(options: X2jOptions): () => Promise<XmlLibrary> {
  let loading: Promise<XmlLibrary> | undefined;
  return () => {
    loading ??= import('fast-xml-parser').then(
      (module) => ({
        parser: new module.XMLParser(options),
        validator: module.XMLValidator,
      }),
      (error: unknown) => {
        loading = undefined;
        throw toolFailure(
          'xml_parse',
          `xml_parse needs the optional peer dependency ${DEPENDENCY}, which could not be loaded (${messageOf(error)}); install it with: npm install ${DEPENDENCY}`,
          { reason: 'dependency_missing', dependency: DEPENDENCY },
          error,
        );
      },
    );
    return loading;
  };
}

/**
 * The `xml_parse` tool: checks that a document is well-formed and turns it
 * into JSON in the Rust original's shape. The root element's name is
 * dropped and the root becomes an object; every element is an object with
 * `"@name"` keys for its attributes (string values), `"$text"` for its text
 * (edges trimmed, entities decoded, CDATA appended as is; no number
 * inference) and one key per child element; an empty element is `{}`.
 * Repeated sibling elements become an array (option `repeatedElements`).
 * Comments, processing instructions, the XML declaration and the DOCTYPE
 * are skipped.
 *
 * Safe on hostile input: entities are never expanded (only the five
 * predefined ones and character references are decoded; any other entity
 * makes the document invalid), nothing is fetched, and size and depth are
 * limited.
 *
 * fast-xml-parser, an optional peer dependency, is imported on the first
 * call (and kept by the tool); when it cannot be loaded the call fails with
 * `tool_failed`, `data.reason` `dependency_missing`, and a message saying to
 * install it. `call` always returns a promise.
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * await xmlParseTool().call('<a x="1"><item>value</item></a>', ctx);
 * // { parsed: { '@x': '1', item: { $text: 'value' } }, json_representation: '{\n  "@x": "1", ...', valid: true, success: true }
 * ```
 */
export function xmlParseTool(
  options: XmlParseOptions = {},
): Tool<XmlParseInput | string, XmlParseOutput> {
  const factory = 'xmlParseTool';
  const maxDepth = positiveInteger(
    factory,
    'maxDepth',
    options.maxDepth,
    STANDARD_TOOL_LIMITS.maxXmlDepth,
  );
  const repeated = oneOf(
    factory,
    'repeatedElements',
    options.repeatedElements,
    ['array', 'last'],
    'array',
  );
  const library = lazyLibrary({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    // Entities are decoded by _xml-entities.ts, which expands none from a DOCTYPE.
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    textNodeName: TEXT_KEY,
    cdataPropName: CDATA_KEY,
    // The parser's own guard against deep nesting; the conversion checks the exact limit.
    maxNestedTags: maxDepth,
    // A leading space (never part of an XML name) keeps names like __proto__,
    // constructor or #text from meaning anything to the parser or to JavaScript.
    transformTagName: (name) => ` ${name}`,
    transformAttributeName: (name) => ` ${name}`,
  });
  return defineAsyncStandardTool<XmlParseInput, XmlParseOutput>({
    name: 'xml_parse',
    description:
      'Parses an XML document into JSON: attributes as "@name", text as "$text", child elements as keys; reports valid: false with the error for XML that is not well-formed.',
    schema: {
      type: 'object',
      properties: { input: { type: 'string', description: 'The XML document, as text.' } },
      required: ['input'],
      description: 'An object with the XML text, or the XML text itself as a string.',
    },
    primary: 'input',
    fallback: true,
    maxInputBytes: inputLimit(factory, options),
    run: async ({ input }) => {
      const { parser, validator } = await library();
      const checked = validator.validate(input);
      if (checked !== true) {
        const { msg, line, col } = checked.err;
        const where = col === undefined ? `line ${line}` : `line ${line}, column ${col}`;
        return invalid(`${msg} (${where})`);
      }
      let nodes: OrderedNode[];
      try {
        nodes = parser.parse(input) as OrderedNode[];
      } catch (error) {
        if (messageOf(error) === PARSER_DEPTH_MESSAGE) {
          refuse(['input'], `nests elements deeper than ${maxDepth} levels (option maxDepth)`, {
            reason: 'too_deep',
            limit: maxDepth,
          });
        }
        return invalid(messageOf(error));
      }
      let parsed: Record<string, unknown>;
      try {
        parsed = convertRoot(Array.isArray(nodes) ? nodes : [], { maxDepth, repeated });
      } catch (error) {
        if (error instanceof XmlSyntaxError) return invalid(error.message);
        throw error;
      }
      return {
        parsed,
        json_representation: JSON.stringify(parsed, null, 2),
        valid: true,
        success: true,
      };
    },
  });
}
