import fc from 'fast-check';
import { createSafeFetch } from 'skreaver/security/node';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type SecurityPolicy } from '../src/security/policy/index.js';
import { checkAddress, checkUrl, type UrlDeniedReason } from '../src/security/validators/index.js';

const policy = (http: Partial<SecurityPolicy['http']>): SecurityPolicy => ({
  ...DEFAULT_POLICY,
  http: { ...DEFAULT_POLICY.http, enabled: true, allowDomains: ['*'], ...http },
});
const OPEN = policy({});
const LOCAL = policy({ allowPrivateNetworks: true, allowPorts: [] });

const REASONS: readonly UrlDeniedReason[] = [
  'http_disabled',
  'too_long',
  'invalid_url',
  'scheme',
  'userinfo',
  'port',
  'metadata_address',
  'private_address',
  'reserved_address',
  'domain_denied',
  'domain_not_allowed',
];
const ADDRESS_REASONS = ['private_address', 'metadata_address', 'reserved_address'];

// An independent model of the IPv4 ranges that are not public, written from
// the IANA special-purpose registry rather than from the implementation.
const NOT_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '168.63.129.16/32',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
  '100.100.100.200/32',
].map((cidr) => {
  const [base = '', bits = '32'] = cidr.split('/');
  const value = base.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return { start: value, size };
});
const isPublic = (value: number) =>
  !NOT_PUBLIC.some((range) => value >= range.start && value < range.start + range.size);

const notPublicAddress = fc
  .constantFrom(...NOT_PUBLIC)
  .chain((range) =>
    fc.integer({ min: 0, max: range.size - 1 }).map((offset) => range.start + offset),
  );
const anyAddress = fc.integer({ min: 0, max: 0xffffffff });

/** Writes an IPv4 number in one of the spellings the WHATWG parser accepts. */
const spelling = (value: number) =>
  fc
    .record({
      parts: fc.constantFrom(1, 2, 3, 4),
      radix: fc.array(fc.constantFrom(8, 10, 16), { minLength: 4, maxLength: 4 }),
      trailingDot: fc.boolean(),
      upperHex: fc.boolean(),
    })
    .map(({ parts, radix, trailingDot, upperHex }) => {
      const octets = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
      const head = octets.slice(0, parts - 1);
      const tail = octets.slice(parts - 1).reduce((acc, octet) => acc * 256 + octet, 0);
      const write = (n: number, r: number | undefined) => {
        if (r === 8) return `0${n.toString(8)}`;
        if (r === 16) return `${upperHex ? '0X' : '0x'}${n.toString(16)}`;
        return String(n);
      };
      const text = [...head, tail].map((n, i) => write(n, radix[i])).join('.');
      return trailingDot ? `${text}.` : text;
    });

const ipv6Forms = (value: number) => {
  const hi = (value >>> 16).toString(16);
  const lo = (value & 0xffff).toString(16);
  const dotted = `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
  return fc.constantFrom(
    `[::ffff:${dotted}]`,
    `[::ffff:${hi}:${lo}]`,
    `[64:ff9b::${hi}:${lo}]`,
    `[2002:${hi}:${lo}::1]`,
  );
};

const junkUrl = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(
      fc.constantFrom(
        'http://',
        'https://',
        'HTTP://',
        'http:',
        'http:\\\\',
        'file://',
        'ftp://',
        '//',
        '',
      ),
      fc.constantFrom('', 'u@', 'u:p@', 'a@b@'),
      fc.oneof(
        fc.domain(),
        fc.constantFrom('[::1]', '[fe80::1%25x]', '0x7f.1', 'localhost.', '..', '[', '%00'),
      ),
      fc.constantFrom('', ':0', ':80', ':65536', ':22', ':abc', ':'),
      fc.string({ unit: 'binary', maxLength: 40 }),
    )
    .map((parts) => parts.join('')),
);

describe('checkUrl properties', () => {
  it('never throws and always returns a typed verdict', () => {
    fc.assert(
      fc.property(junkUrl, fc.constantFrom(OPEN, LOCAL), (url, chosen) => {
        const result = checkUrl(url, chosen);
        if (!result.ok) {
          expect(result.error.code).toBe('url_denied');
          expect(REASONS).toContain((result.error.data as { reason: string }).reason);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every non-public IPv4 address in every spelling', () => {
    fc.assert(
      fc.property(
        notPublicAddress.chain((value) => fc.oneof(spelling(value), ipv6Forms(value))),
        (host) => {
          const result = checkUrl(`http://${host}/x`, OPEN);
          expect(result.ok).toBe(false);
          if (!result.ok)
            expect(ADDRESS_REASONS).toContain((result.error.data as { reason: string }).reason);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('agrees with the model on every IPv4 address, however spelled', () => {
    fc.assert(
      fc.property(
        anyAddress.chain((value) => spelling(value).map((host) => ({ value, host }))),
        ({ value, host }) => {
          expect(checkUrl(`http://${host}/`, OPEN).ok).toBe(isPublic(value));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses metadata addresses even with private networks allowed', () => {
    fc.assert(
      fc.property(spelling(0xa9fea9fe), (host) => {
        const result = checkUrl(`http://${host}/`, LOCAL);
        expect(!result.ok && (result.error.data as { reason: string }).reason).toBe(
          'metadata_address',
        );
      }),
    );
  });
});

describe('resolved-address properties', () => {
  const v4 = (value: number) =>
    `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
  const publicAddress = anyAddress.filter(isPublic).map(v4);
  const privateAnswer = notPublicAddress.chain((value) =>
    fc.constantFrom(v4(value), `::ffff:${v4(value)}`, `64:ff9b::${v4(value)}`),
  );

  it('checkAddress refuses exactly the non-public addresses', () => {
    fc.assert(
      fc.property(anyAddress, (value) => {
        expect(checkAddress(v4(value), OPEN.http).ok).toBe(isPublic(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('the safe fetch refuses a name when any resolved address is not public, without connecting', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(publicAddress, { maxLength: 3 }),
        privateAnswer,
        fc.nat(),
        async (publics, bad, at) => {
          const answers = [...publics];
          answers.splice(at % (answers.length + 1), 0, bad);
          const safeFetch = createSafeFetch(OPEN, {
            resolver: async () =>
              answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
          });
          const error = await safeFetch('http://random.test/').then(
            () => undefined,
            (rejected: unknown) => rejected as { code: string; data: { reason: string } },
          );
          expect(error?.code).toBe('url_denied');
          expect(ADDRESS_REASONS).toContain(error?.data.reason);
        },
      ),
      { numRuns: 300 },
    );
  });
});
