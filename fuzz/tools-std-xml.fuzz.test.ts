import fc from 'fast-check';
import { findSerialisationProblem } from 'skreaver';
import { xmlParseTool } from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { attemptAsync, toolContext } from '../test/tools-std/_helpers.js';

const ctx = toolContext();

/** A generated element: the model the parser's output is checked against. */
interface Element {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: readonly Element[];
}

const name = fc.constantFrom(
  'a',
  'b',
  'item',
  'x:y',
  '__proto__',
  'constructor',
  'toString',
  '_1',
  'é',
);
const content = fc.string({
  unit: fc.constantFrom('a', ' ', '<', '>', '&', '"', "'", '\n', 'é', '😀', ']', '\t'),
  maxLength: 8,
});

const element: fc.Arbitrary<Element> = fc.letrec<{ element: Element }>((tie) => ({
  element: fc.record({
    name,
    attributes: fc.dictionary(name, content, { maxKeys: 3 }),
    text: content,
    children: fc.oneof(
      { maxDepth: 5, depthSize: 'small' },
      fc.constant([]),
      fc.array(tie('element'), { maxLength: 3 }),
    ),
  }),
})).element;

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\t', '&#x9;');
}

function toXml(node: Element): string {
  const attributes = Object.entries(node.attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  const children = node.children.map(toXml).join('');
  return `<${node.name}${attributes}>${escapeXml(node.text)}${children}</${node.name}>`;
}

/** What the tool should make of `node`: text is escaped, so only its XML-space edges go. */
function expected(node: Element): Record<string, unknown> {
  // A map, then Object.fromEntries: names such as __proto__ become own keys.
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(node.attributes)) out.set(`@${key}`, value);
  for (const child of node.children) {
    const value = expected(child);
    const existing = out.get(child.name);
    if (existing === undefined) out.set(child.name, value);
    else if (Array.isArray(existing)) existing.push(value);
    else out.set(child.name, [existing, value]);
  }
  // The text's edges are escaped as character references, except plain spaces.
  const text = node.text.replace(/^ +| +$/g, '');
  if (text !== '') out.set('$text', text);
  return Object.fromEntries(out);
}

function depthOf(node: Element): number {
  return 1 + Math.max(0, ...node.children.map(depthOf));
}

describe('xml_parse on generated documents', () => {
  it('turns every well-formed document into the modelled JSON', async () => {
    const tool = xmlParseTool();
    await fc.assert(
      fc.asyncProperty(element, async (root) => {
        const out = (await tool.call(toXml(root), ctx)) as { valid: boolean; parsed: unknown };
        expect(out).toMatchObject({ valid: true, success: true });
        expect(out.parsed).toEqual(expected(root));
        expect(findSerialisationProblem(out)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses exactly the documents nested deeper than maxDepth', async () => {
    await fc.assert(
      fc.asyncProperty(element, fc.integer({ min: 1, max: 4 }), async (root, maxDepth) => {
        const result = await attemptAsync(() =>
          xmlParseTool({ maxDepth }).call({ input: toXml(root) }, ctx),
        );
        if (depthOf(root) > maxDepth) {
          expect(result.ok ? result.output : result.error.data).toMatchObject({
            reason: 'too_deep',
            limit: maxDepth,
          });
        } else expect(result).toMatchObject({ ok: true, output: { valid: true } });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('xml_parse on arbitrary input', () => {
  const fragments = fc.constantFrom(
    '<a>',
    '</a>',
    '<b x="1">',
    '</b>',
    '<c/>',
    '&amp;',
    '&e;',
    '&#65;',
    '&#0;',
    '&',
    '<![CDATA[',
    ']]>',
    '<!--',
    '-->',
    '<?xml version="1.0"?>',
    '<!DOCTYPE a [<!ENTITY e "boom">]>',
    '<!DOCTYPE',
    '<!ENTITY',
    ' ',
    'text',
    '"',
    "'",
    '=',
    '<',
    '>',
    '/',
    '<__proto__>',
    '</__proto__>',
    '<constructor a="&lt;"/>',
  );
  const input = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.array(fragments, { maxLength: 30 }).map((parts) => parts.join('')),
  );

  it('returns JSON or throws only typed tool failures, with size and depth limits holding', async () => {
    const maxInputBytes = 120;
    const maxDepth = 3;
    const tool = xmlParseTool({ maxInputBytes, maxDepth });
    await fc.assert(
      fc.asyncProperty(input, async (text) => {
        const result = await attemptAsync(() => tool.call(text, ctx));
        if (!result.ok) {
          expect(result.error.code).toBe('tool_invalid_input');
          const data = result.error.data as { tool: string; reason: string };
          expect(data.tool).toBe('xml_parse');
          expect(['too_deep', 'input_too_large']).toContain(data.reason);
          if (data.reason === 'input_too_large') {
            expect(new TextEncoder().encode(text).length).toBeGreaterThan(maxInputBytes);
          }
          return;
        }
        expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(maxInputBytes);
        expect(findSerialisationProblem(result.output)).toBeUndefined();
        const out = result.output as {
          valid: boolean;
          parsed?: unknown;
          json_representation?: string;
        };
        if (out.valid) {
          expect(out.json_representation).toBe(JSON.stringify(out.parsed, null, 2));
          // Entities are never expanded, so the output cannot outgrow the input by much.
          expect(JSON.stringify(out.parsed).length).toBeLessThan(20 * text.length + 20);
          // Nothing reaches Object.prototype.
          expect(({} as Record<string, unknown>).a).toBeUndefined();
        }
      }),
      { numRuns: 3000 },
    );
  });
});
