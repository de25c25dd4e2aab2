import { xmlParseTool } from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { failure, output } from './_helpers.js';

describe('xml_parse', () => {
  const tool = xmlParseTool();
  const parsed = async (input: unknown, t = tool) =>
    ((await output(t, input)) as { parsed: unknown }).parsed;

  it('returns the parsed value, its pretty JSON text and valid: true', async () => {
    expect(await output(tool, '<root><item>value</item></root>')).toEqual({
      parsed: { item: { $text: 'value' } },
      json_representation: '{\n  "item": {\n    "$text": "value"\n  }\n}',
      valid: true,
      success: true,
    });
  });

  it.each([
    ['attributes and text on the root', '<a x="1">t</a>', { '@x': '1', $text: 't' }],
    ['object form', { input: '<r><b/></r>' }, { b: {} }],
    ['JSON config string', '{"input":"<r><b>1</b></r>"}', { b: { $text: '1' } }],
    ['an empty root', '<r/>', {}],
    [
      'no number inference',
      '<r><n>42</n><t>true</t></r>',
      { n: { $text: '42' }, t: { $text: 'true' } },
    ],
    ['text edges trimmed, inner space kept', '<r>\n  a  b \n</r>', { $text: 'a  b' }],
    [
      'the five entities and character references',
      '<r a="&lt;&amp;&gt;">&quot;&apos;&#65;&#x1F600;</r>',
      { '@a': '<&>', $text: '"\'A😀' },
    ],
    ['CDATA appended as is', '<r> a <![CDATA[ <b>&amp; ]]> c </r>', { $text: 'a <b>&amp; c' }],
    ['an empty CDATA section gives empty text', '<r><![CDATA[]]></r>', { $text: '' }],
    ['whitespace-only text is dropped', '<r>\n  <a/>\n</r>', { a: {} }],
    ['mixed content joins the text', '<r>x<b/>y</r>', { b: {}, $text: 'xy' }],
    [
      'repeated elements become an array',
      '<r><i>1</i><j/><i>2</i><i>3</i></r>',
      { i: [{ $text: '1' }, { $text: '2' }, { $text: '3' }], j: {} },
    ],
    ['nested elements', '<r><a><b c="d">e</b></a></r>', { a: { b: { '@c': 'd', $text: 'e' } } }],
    [
      'namespaced names kept as written',
      '<x:r xmlns:x="u"><x:b x:c="d"/></x:r>',
      { '@xmlns:x': 'u', 'x:b': { '@x:c': 'd' } },
    ],
    [
      'declaration, comments and processing instructions skipped',
      '<?xml version="1.0"?><!-- c --><r><?pi x?><!-- d -->t</r><!-- e -->',
      { $text: 't' },
    ],
    [
      'a DOCTYPE without entities is skipped',
      '<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>',
      {},
    ],
    ['CRLF line ends', '<r>\r\na\r\nb\r\n</r>', { $text: 'a\nb' }],
  ])('%s', async (_name, input, expected) => {
    expect(await parsed(input)).toEqual(expected);
  });

  it('keeps names that mean something to JavaScript as plain keys', async () => {
    const value = (await parsed(
      '<r><__proto__ a="1"/><constructor>c</constructor><toString/><hasOwnProperty/></r>',
    )) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value.constructor).toEqual({ $text: 'c' });
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ '@a': '1' });
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });

  it("keeps only the last repeated element with repeatedElements: 'last' (the original)", async () => {
    const last = xmlParseTool({ repeatedElements: 'last' });
    expect(await parsed('<r><i>1</i><i>2</i></r>', last)).toEqual({ i: { $text: '2' } });
  });

  it.each([
    ['not XML', 'text', "char 't' is not expected. (line 1, column 1)"],
    ['empty input', '', 'Start tag expected. (line 1)'],
    ['a mismatched closing tag', '<a><b></a>', "Expected closing tag 'b'"],
    ['two roots', '<a/><b/>', 'XML must have exactly one root element, found 2'],
    ['a stray ampersand', '<a>a & b</a>', "char '&' is not expected"],
    ['a stray ampersand in an attribute', "<a x='&'/>", "'&' must start an entity"],
    ['< in an attribute', '<a x="a<b"/>', "'<' is not allowed in an attribute value"],
    ['a repeated attribute', '<a x="1" x="2"/>', "Attribute 'x' is repeated."],
    ['an attribute without a value', '<a b/>', "boolean attribute 'b' is not allowed."],
    [
      'an unknown entity',
      '<a>&nbsp;</a>',
      "entity '&nbsp;' is not one of XML's predefined entities",
    ],
    ['a character reference XML forbids', '<a>&#0;</a>', "character reference '&#0;'"],
    ['a reference beyond Unicode', '<a>&#x110000;</a>', "character reference '&#x110000;'"],
  ])('reports %s as valid: false', async (_name, input, error) => {
    const out = (await output(tool, input)) as { error: string };
    expect(out).toEqual({ valid: false, error: expect.any(String), success: false });
    expect(out.error).toContain(error);
  });

  it('keeps messages short when the parser quotes the input at length', async () => {
    const out = (await output(tool, '<'.repeat(10_000))) as { valid: boolean; error: string };
    expect(out.valid).toBe(false);
    expect(out.error.length).toBeLessThanOrEqual(300);
    expect(out.error.endsWith('...')).toBe(true);
  });

  it('trims a long run of spaces in linear time (no backtracking regular expression)', async () => {
    expect(await parsed(`<r>${' '.repeat(200_000)}x${' '.repeat(200_000)}y</r>`)).toEqual({
      $text: `x${' '.repeat(200_000)}y`,
    });
  });

  it('never expands DOCTYPE entities: a declared entity is refused, not looked up', async () => {
    const internal = '<!DOCTYPE r [<!ENTITY e "boom">]><r>&e;</r>';
    expect(await output(tool, internal)).toMatchObject({
      valid: false,
      error: expect.stringContaining("entity '&e;'"),
    });
    const external = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    expect(await output(tool, external)).toMatchObject({ valid: false });
    const laughs = `<!DOCTYPE r [<!ENTITY a "ha">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]><r>&j;</r>`;
    const out = (await output(tool, laughs)) as { valid: boolean; error?: string };
    expect(out.valid).toBe(false);
    expect(JSON.stringify(out).length).toBeLessThan(2_000);
  });

  it('refuses documents nested deeper than maxDepth with reason too_deep', async () => {
    const shallow = xmlParseTool({ maxDepth: 3 });
    expect(await parsed('<a><b><c/></b></a>', shallow)).toEqual({ b: { c: {} } });
    expect(await parsed('<a><b><c>t</c></b></a>', shallow)).toEqual({ b: { c: { $text: 't' } } });
    for (const deep of ['<a><b><c><d/></c></b></a>', '<a><b><c><d><e><f/></e></d></c></b></a>']) {
      const error = await failure(shallow, deep);
      expect(error.code).toBe('tool_invalid_input');
      expect(error.data).toMatchObject({ tool: 'xml_parse', reason: 'too_deep', limit: 3 });
    }
    const deepest = `${'<a>'.repeat(500)}${'</a>'.repeat(500)}`;
    expect((await failure(tool, deepest)).data).toMatchObject({ reason: 'too_deep', limit: 100 });
  });

  it('passes the registry output check at the default depth limit with repeated elements', async () => {
    // Every level holds two <e> siblings, so every level is an array in the output.
    const level = (depth: number): string => (depth === 0 ? 'x' : `<e>${level(depth - 1)}</e><e/>`);
    const result = (await output(tool, `<r>${level(99)}</r>`)) as { parsed: unknown };
    let node = result.parsed as { e?: unknown[] };
    let levels = 1;
    while (Array.isArray(node.e)) {
      node = node.e[0] as { e?: unknown[] };
      levels++;
    }
    expect(levels).toBe(100);
  });

  it.each([
    ['a number', 5, 'must be an object'],
    ['an input of the wrong type', { input: ['<a/>'] }, 'must be string'],
  ])('refuses %s', async (_name, input, message) => {
    const error = await failure(tool, input);
    expect(error.code).toBe('tool_invalid_input');
    expect(error.message).toContain(message);
  });
});
