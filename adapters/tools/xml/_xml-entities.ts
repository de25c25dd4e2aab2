/** XML the tool refuses after the validator let it through (an entity, an attribute value). */
export class XmlSyntaxError extends Error {}

const PREDEFINED: Readonly<Record<string, string>> = Object.freeze({
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
});

/** Longest reference looked for after `&`, so a stray `&` costs no scan to the end. */
const MAX_REFERENCE = 40;

/** Whether XML 1.0 allows the character. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function reference(name: string): string {
  if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name] as string;
  const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
  if (numeric !== null) {
    const code = numeric[1] === undefined ? Number(numeric[2]) : Number.parseInt(numeric[1], 16);
    if (!isXmlChar(code)) {
      throw new XmlSyntaxError(`character reference '&${name};' is not a character XML allows`);
    }
    return String.fromCodePoint(code);
  }
  throw new XmlSyntaxError(
    `entity '&${name};' is not one of XML's predefined entities (lt, gt, amp, quot, apos); DOCTYPE entities are not expanded`,
  );
}

/**
 * Decodes the five predefined entities and character references in raw
 * text or an attribute value. Any other entity is refused, never looked up
 * in a DOCTYPE: there is no entity expansion at all, so no billion-laughs
 * growth and no external entity.
 *
 * @throws XmlSyntaxError for an unknown entity, a stray `&`, or `<` in an attribute value.
 */
export function decodeXmlText(raw: string, attribute: boolean): string {
  if (attribute && raw.includes('<')) {
    throw new XmlSyntaxError(`'<' is not allowed in an attribute value`);
  }
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    out += raw.slice(from, amp);
    const semi = raw.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > MAX_REFERENCE) {
      throw new XmlSyntaxError(`'&' must start an entity or character reference ending in ';'`);
    }
    out += reference(raw.slice(amp + 1, semi));
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}
