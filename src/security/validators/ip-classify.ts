import { formatIpv4, type IpAddress, parseIp } from './ip-address.js';

/**
 * What kind of network an address belongs to.
 *
 * - `public`: globally routable unicast.
 * - `loopback`: 127.0.0.0/8, ::1.
 * - `private`: 10/8, 172.16/12, 192.168/16, fec0::/10 (old site-local), 64:ff9b:1::/48 (local NAT64).
 * - `link-local`: 169.254/16, fe80::/10.
 * - `cgnat`: 100.64/10 (carrier-grade NAT).
 * - `unique-local`: fc00::/7.
 * - `multicast`: 224/4, ff00::/8.
 * - `broadcast`: 255.255.255.255.
 * - `unspecified`: 0.0.0.0/8, `::` (Linux connects 0.0.0.0 to the local host).
 * - `documentation`: 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.
 * - `reserved`: everything else that is not routable on the Internet (240/4, 198.18/15, 192.0.0/24,
 *   192.88.99/24, 100::/64, IPv6 outside 2000::/3, ...).
 * - `metadata`: cloud instance-metadata endpoints (169.254.169.254, 169.254.170.2, fd00:ec2::254,
 *   fd20:ce::254, 100.100.100.200, 168.63.129.16, 192.0.0.192).
 */
export type IpCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'documentation'
  | 'reserved'
  | 'metadata';

/** How an IPv6 address carries an IPv4 address whose category it takes. */
export type IpEmbedding =
  | 'ipv4-mapped'
  | 'ipv4-compatible'
  | 'ipv4-translated'
  | 'nat64'
  | '6to4'
  | 'teredo';

/** The verdict of {@link classifyIp}. */
export interface IpClassification {
  /**
   * The effective category. For an IPv6 address that embeds an IPv4 one it
   * is the embedded address's category whenever that is not `public`, since
   * that is where the packets can end up.
   */
  readonly category: IpCategory;
  /** How an IPv4 address is embedded, when it is. */
  readonly embedding?: IpEmbedding;
  /** The embedded IPv4 address (dotted quad), when there is one. */
  readonly embeddedIpv4?: string;
}

type V4Range = readonly [network: number, prefix: number, category: IpCategory];

const v4 = (a: number, b: number, c: number, d: number) =>
  ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

// Exact metadata endpoints first, then ranges; the first match wins.
const V4_METADATA: ReadonlySet<number> = new Set([
  v4(169, 254, 169, 254), // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle...
  v4(169, 254, 170, 2), // AWS ECS task credentials
  v4(100, 100, 100, 200), // Alibaba Cloud
  v4(168, 63, 129, 16), // Azure wireserver
  v4(192, 0, 0, 192), // Oracle Cloud (classic)
]);

const V4_RANGES: readonly V4Range[] = [
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link-local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 0, 2, 0), 24, 'documentation'],
  [v4(192, 88, 99, 0), 24, 'reserved'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'reserved'],
  [v4(198, 51, 100, 0), 24, 'documentation'],
  [v4(203, 0, 113, 0), 24, 'documentation'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(255, 255, 255, 255), 32, 'broadcast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
];

const MASKS: readonly number[] = Array.from({ length: 33 }, (_, bits) =>
  bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0,
);

/** The category of an IPv4 address given as a 32-bit number. */
export function classifyIpv4(value: number): IpCategory {
  if (V4_METADATA.has(value)) return 'metadata';
  for (const [network, prefix, category] of V4_RANGES) {
    if ((value & (MASKS[prefix] as number)) >>> 0 === network) return category;
  }
  return 'public';
}

const V6_METADATA: readonly (readonly number[])[] = [
  [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x254], // AWS IMDS over IPv6
  [0xfd20, 0x00ce, 0, 0, 0, 0, 0, 0x254], // GCP metadata over IPv6
];

function sameWords(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return false;
  return true;
}

function embedded(
  embedding: IpEmbedding,
  high: number,
  low: number,
  ifPublic: IpCategory,
): IpClassification {
  const value = ((high << 16) | low) >>> 0;
  const inner = classifyIpv4(value);
  return {
    category: inner === 'public' ? ifPublic : inner,
    embedding,
    embeddedIpv4: formatIpv4(value),
  };
}

function classifyIpv6(w: readonly number[]): IpClassification {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = w;
  for (const metadata of V6_METADATA) {
    if (sameWords(w, metadata)) return { category: 'metadata' };
  }
  const top64Zero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0;
  if (top64Zero && w4 === 0) {
    if (w5 === 0xffff) return embedded('ipv4-mapped', w6, w7, 'public');
    if (w5 === 0) {
      if (w6 === 0 && w7 === 0) return { category: 'unspecified' };
      if (w6 === 0 && w7 === 1) return { category: 'loopback' };
      // Deprecated IPv4-compatible form: not routable even when the IPv4 is.
      return embedded('ipv4-compatible', w6, w7, 'reserved');
    }
  }
  if (top64Zero && w4 === 0xffff && w5 === 0) return embedded('ipv4-translated', w6, w7, 'public');
  if (w0 === 0x64 && w1 === 0xff9b) {
    if (w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) return embedded('nat64', w6, w7, 'public');
    if (w2 === 1) return { category: 'private' };
  }
  if (w0 === 0x2002) return embedded('6to4', w1, w2, 'public');
  if (w0 === 0x2001) {
    // Teredo keeps the client's IPv4 address inverted in the last 32 bits.
    if (w1 === 0) return embedded('teredo', w6 ^ 0xffff, w7 ^ 0xffff, 'public');
    if (w1 === 0x0db8) return { category: 'documentation' };
    if (w1 === 2 && w2 === 0) return { category: 'reserved' };
    if ((w1 & 0xfff0) === 0x10 || (w1 & 0xfff0) === 0x20) return { category: 'reserved' };
  }
  if ((w0 & 0xfff0) === 0x3ff0) return { category: 'documentation' };
  if (w0 === 0x100 && w1 === 0 && w2 === 0 && w3 === 0) return { category: 'reserved' };
  if ((w0 & 0xfe00) === 0xfc00) return { category: 'unique-local' };
  if ((w0 & 0xffc0) === 0xfe80) return { category: 'link-local' };
  if ((w0 & 0xffc0) === 0xfec0) return { category: 'private' };
  if ((w0 & 0xff00) === 0xff00) return { category: 'multicast' };
  // Only 2000::/3 is allocated for global unicast.
  if ((w0 & 0xe000) !== 0x2000) return { category: 'reserved' };
  return { category: 'public' };
}

// One frozen verdict per category, so classifying IPv4 allocates nothing.
const V4_RESULTS: Readonly<Record<IpCategory, IpClassification>> = Object.freeze({
  public: Object.freeze({ category: 'public' }),
  loopback: Object.freeze({ category: 'loopback' }),
  private: Object.freeze({ category: 'private' }),
  'link-local': Object.freeze({ category: 'link-local' }),
  cgnat: Object.freeze({ category: 'cgnat' }),
  'unique-local': Object.freeze({ category: 'unique-local' }),
  multicast: Object.freeze({ category: 'multicast' }),
  broadcast: Object.freeze({ category: 'broadcast' }),
  unspecified: Object.freeze({ category: 'unspecified' }),
  documentation: Object.freeze({ category: 'documentation' }),
  reserved: Object.freeze({ category: 'reserved' }),
  metadata: Object.freeze({ category: 'metadata' }),
});

/**
 * Classifies an address (parsed, or text accepted by {@link parseIp}).
 * Returns `undefined` when the text is not an address.
 *
 * @example
 * ```ts
 * classifyIp('10.1.2.3')?.category;           // 'private'
 * classifyIp('::ffff:169.254.169.254');        // { category: 'metadata', embedding: 'ipv4-mapped', embeddedIpv4: '169.254.169.254' }
 * classifyIp('2606:4700::1111')?.category;     // 'public'
 * ```
 */
export function classifyIp(address: IpAddress | string): IpClassification | undefined {
  const parsed = typeof address === 'string' ? parseIp(address) : address;
  if (parsed === undefined) return undefined;
  if (parsed.version === 6) return classifyIpv6(parsed.words);
  return V4_RESULTS[classifyIpv4(parsed.value)];
}
