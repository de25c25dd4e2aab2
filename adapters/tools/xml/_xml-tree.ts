import { refuse } from '../_errors.js';
import { decodeXmlText, XmlSyntaxError } from './_xml-entities.js';

/**
 * One node of fast-xml-parser's `preserveOrder` tree: `{ '#text': string }`,
 * `{ '#cdata': [{ '#text': string }] }`, or an element `{ [name]: Node[],
 * ':@'?: attributes }`. The parser is set up to put a space before every
 * element and attribute name (see `xml-parse.ts`), so no name can collide
 * with these keys or reach `Object.prototype`.
 */
export type OrderedNode = Readonly<Record<string, unknown>>;

/** Key of a text node. */
export const TEXT_KEY = '#text';
/** Key of a CDATA node. */
export const CDATA_KEY = '#cdata';
/** Key of an element's attributes. */
const ATTRIBUTES_KEY = ':@';

/** How {@link convertRoot} works. */
export interface TreeOptions {
  readonly maxDepth: number;
  readonly repeated: 'array' | 'last';
}

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * Trims XML white space only (JavaScript's trim() would also eat U+00A0 and
 * other spaces), by scanning: a `\s+$` regular expression takes quadratic
 * time on a long run of spaces that does not end the text.
 */
function trimXmlSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isXmlSpace(text.charCodeAt(start))) start++;
  while (end > start && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Drops the marker spaces the parser was told to put before names. */
function nameOf(key: string): string {
  let i = 0;
  while (key.charCodeAt(i) === 0x20) i++;
  return key.slice(i);
}

/** Sets an own property, even one named `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function elementKey(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ATTRIBUTES_KEY) return key;
  return undefined;
}

function cdataText(node: OrderedNode): string {
  const parts = node[CDATA_KEY];
  if (!Array.isArray(parts)) return '';
  let text = '';
  for (const part of parts as OrderedNode[]) {
    const value = part[TEXT_KEY];
    if (typeof value === 'string') text += value;
  }
  return text;
}

function convertElement(
  children: readonly OrderedNode[],
  attributes: unknown,
  depth: number,
  options: TreeOptions,
): Record<string, unknown> {
  if (depth > options.maxDepth) {
    refuse(['input'], `nests elements deeper than ${options.maxDepth} levels (option maxDepth)`, {
      reason: 'too_deep',
      limit: options.maxDepth,
    });
  }
  const out: Record<string, unknown> = {};
  if (typeof attributes === 'object' && attributes !== null) {
    for (const [key, value] of Object.entries(attributes)) {
      setOwn(out, `@${nameOf(key)}`, decodeXmlText(String(value), true));
    }
  }
  let text = '';
  let hasText = false;
  for (const child of children) {
    const key = elementKey(child);
    if (key === undefined) continue;
    if (key === TEXT_KEY) {
      const raw = trimXmlSpace(String(child[key]));
      if (raw !== '') {
        text += decodeXmlText(raw, false);
        hasText = true;
      }
    } else if (key === CDATA_KEY) {
      text += cdataText(child);
      hasText = true;
    } else {
      const name = nameOf(key);
      const grandchildren = Array.isArray(child[key]) ? (child[key] as OrderedNode[]) : [];
      const value = convertElement(grandchildren, child[ATTRIBUTES_KEY], depth + 1, options);
      const existing = Object.hasOwn(out, name) ? out[name] : undefined;
      if (existing === undefined || options.repeated === 'last') setOwn(out, name, value);
      // Element values are objects, so an array here is one this loop made.
      else if (Array.isArray(existing)) existing.push(value);
      else setOwn(out, name, [existing, value]);
    }
  }
  if (hasText) setOwn(out, '$text', text);
  return out;
}

/**
 * Turns the parser's tree into the original's shape: the root element's
 * name is dropped; each element is an object with `@name` keys for its
 * attributes, `$text` for its text (edge-trimmed, entities decoded, CDATA
 * appended as is), and one key per child element name.
 *
 * @throws XmlSyntaxError when there is not exactly one root element or an entity is refused.
 */
export function convertRoot(
  nodes: readonly OrderedNode[],
  options: TreeOptions,
): Record<string, unknown> {
  const roots = nodes.filter((node) => {
    const key = elementKey(node);
    return key !== undefined && key !== TEXT_KEY && key !== CDATA_KEY;
  });
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) {
    throw new XmlSyntaxError(`XML must have exactly one root element, found ${roots.length}`);
  }
  const key = elementKey(root) as string;
  const children = Array.isArray(root[key]) ? (root[key] as OrderedNode[]) : [];
  return convertElement(children, root[ATTRIBUTES_KEY], 1, options);
}
