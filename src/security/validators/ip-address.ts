/**
 * IP address parsing for the SSRF checks. Only canonical, unambiguous forms
 * are accepted: dotted-decimal IPv4 without leading zeros (what the WHATWG
 * URL parser and DNS resolvers produce) and IPv6 with `::` compression and an
 * optional dotted IPv4 tail. Zone ids (`fe80::1%eth0`) are refused: a zone
 * names a local interface, which no outbound tool call needs.
 */

/** An IPv4 address as an unsigned 32-bit number. */
export interface Ipv4Address {
  /** Always 4. */
  readonly version: 4;
  /** The address, most significant octet first (`127.0.0.1` is `0x7f000001`). */
  readonly value: number;
}

/** An IPv6 address as eight 16-bit words. */
export interface Ipv6Address {
  /** Always 6. */
  readonly version: 6;
  /** The eight words, most significant first. */
  readonly words: readonly number[];
}

/** A parsed IPv4 or IPv6 address. */
export type IpAddress = Ipv4Address | Ipv6Address;

const DOT = 46;
const COLON = 58;
const ZERO = 48;
const NINE = 57;

function hexDigit(code: number): number {
  if (code >= ZERO && code <= NINE) return code - ZERO;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Parses `text[start, end)` as a strict dotted quad; -1 when it is not one. */
function parseDottedQuad(text: string, start: number, end: number): number {
  let value = 0;
  let octets = 0;
  let i = start;
  while (octets < 4) {
    const first = i;
    let octet = 0;
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code < ZERO || code > NINE) break;
      octet = octet * 10 + (code - ZERO);
      i++;
      if (i - first > 3) return -1;
    }
    const digits = i - first;
    // Leading zeros are refused: some parsers read them as octal.
    if (digits === 0 || octet > 255 || (digits > 1 && text.charCodeAt(first) === ZERO)) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (i >= end || text.charCodeAt(i) !== DOT) return -1;
      i++;
    }
  }
  return i === end ? value : -1;
}

/** Parses `text[start, end)` as IPv6 words; undefined when it is not IPv6. */
function parseIpv6Words(text: string, start: number, end: number): number[] | undefined {
  const head: number[] = [];
  const tail: number[] = [];
  let compressed = false;
  let i = start;
  if (end - start < 2) return undefined;
  if (text.charCodeAt(i) === COLON) {
    if (text.charCodeAt(i + 1) !== COLON) return undefined;
    compressed = true;
    i += 2;
    if (i === end) return new Array<number>(8).fill(0);
  }
  for (;;) {
    const groupStart = i;
    let word = 0;
    while (i < end && i - groupStart < 5) {
      const digit = hexDigit(text.charCodeAt(i));
      if (digit < 0) break;
      word = word * 16 + digit;
      i++;
    }
    const digits = i - groupStart;
    const target = compressed ? tail : head;
    if (i < end && text.charCodeAt(i) === DOT) {
      // An embedded IPv4 tail ends the address and fills two words.
      const v4 = parseDottedQuad(text, groupStart, end);
      if (v4 < 0) return undefined;
      target.push(Math.floor(v4 / 65536), v4 % 65536);
      i = end;
    } else {
      if (digits === 0 || digits > 4) return undefined;
      target.push(word);
    }
    if (head.length + tail.length > 8) return undefined;
    if (i === end) break;
    if (text.charCodeAt(i) !== COLON) return undefined;
    i++;
    if (i < end && text.charCodeAt(i) === COLON) {
      if (compressed) return undefined;
      compressed = true;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return undefined;
    }
  }
  const count = head.length + tail.length;
  if (compressed ? count > 7 : count !== 8) return undefined;
  const words = head.slice();
  for (let k = count; k < 8; k++) words.push(0);
  for (let k = 0; k < tail.length; k++) words[8 - tail.length + k] = tail[k] as number;
  return words;
}

/**
 * Parses an IP address: a strict dotted-decimal IPv4 (`10.0.0.1`; no leading
 * zeros, no short or numeric forms, which the WHATWG URL parser has already
 * normalised away), or an IPv6 address with optional brackets (`::1`,
 * `[::ffff:127.0.0.1]`). Returns `undefined` for anything else, including
 * IPv6 zone ids.
 *
 * @example
 * ```ts
 * parseIp('127.0.0.1'); // { version: 4, value: 2130706433 }
 * parseIp('[::1]');     // { version: 6, words: [0, 0, 0, 0, 0, 0, 0, 1] }
 * parseIp('0x7f.1');    // undefined (not canonical)
 * ```
 */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  const length = text.length;
  if (length === 0 || length > 64) return undefined;
  if (text.charCodeAt(0) === 91 /* [ */) {
    if (text.charCodeAt(length - 1) !== 93 /* ] */) return undefined;
    const words = parseIpv6Words(text, 1, length - 1);
    return words === undefined ? undefined : { version: 6, words };
  }
  if (text.indexOf(':') >= 0) {
    const words = parseIpv6Words(text, 0, length);
    return words === undefined ? undefined : { version: 6, words };
  }
  const value = parseDottedQuad(text, 0, length);
  return value < 0 ? undefined : { version: 4, value };
}

/** Formats an IPv4 number as a dotted quad. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/**
 * Formats an address canonically: dotted quad for IPv4, RFC 5952 for IPv6
 * (lower-case, longest run of two or more zero words as `::`), no brackets.
 */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) return formatIpv4(address.value);
  const words = address.words;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    words
      .slice(from, to)
      .map((word) => word.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
