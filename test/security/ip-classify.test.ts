import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  classifyIp,
  formatIp,
  type IpCategory,
  parseIp,
  type UrlDeniedData,
} from '../../src/security/validators/index.js';

describe('parseIp', () => {
  it.each([
    ['0.0.0.0', 0],
    ['127.0.0.1', 0x7f000001],
    ['255.255.255.255', 0xffffffff],
    ['8.8.8.8', 0x08080808],
  ])('parses IPv4 %s', (text, value) => {
    expect(parseIp(text)).toEqual({ version: 4, value });
  });

  it.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['[::1]', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['1::', [1, 0, 0, 0, 0, 0, 0, 0]],
    ['fe80::1:2', [0xfe80, 0, 0, 0, 0, 0, 1, 2]],
    ['1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['::ffff:127.0.0.1', [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ['64:FF9B::192.0.2.33', [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]],
    ['1:2:3:4:5:6:1.2.3.4', [1, 2, 3, 4, 5, 6, 0x0102, 0x0304]],
  ])('parses IPv6 %s', (text, words) => {
    expect(parseIp(text)).toEqual({ version: 6, words });
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '0x7f.0.0.1',
    '256.1.1.1',
    '1.2.3.4 ',
    '1..2.3',
    '2130706433',
    ':::',
    ':1',
    '1:',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'fe80::1%eth0',
    '[fe80::1%25eth0]',
    '[::1',
    '::1.2.3',
    '::1.2.3.4:5',
    'g::1',
    'example.com',
    'x'.repeat(100),
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it.each([
    ['::', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'],
    ['FD00:EC2:0:0:0:0:0:254', 'fd00:ec2::254'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['10.0.0.1', '10.0.0.1'],
  ])('formats %s as %s, as the URL parser does', (text, expected) => {
    const parsed = parseIp(text);
    expect(parsed && formatIp(parsed)).toBe(expected);
    if (parsed?.version === 6) expect(new URL(`http://[${text}]/`).hostname).toBe(`[${expected}]`);
  });
});

describe('classifyIp', () => {
  const cases: readonly (readonly [string, IpCategory])[] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['11.0.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.0', 'private'],
    ['172.16.0.0', 'private'],
    ['192.168.255.255', 'private'],
    ['100.64.0.0', 'cgnat'],
    ['127.255.255.255', 'loopback'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['192.0.0.192', 'metadata'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.255', 'documentation'],
    ['198.19.0.1', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['2606:4700::1111', 'public'],
    ['2a00:1450:4001::1', 'public'],
    ['fc00::1', 'unique-local'],
    ['fdff:ffff::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['100::1', 'reserved'],
    ['2001:2::1', 'reserved'],
    ['2001:10::1', 'reserved'],
    ['2001:20::1', 'reserved'],
    ['64:ff9b:1::1', 'private'],
    ['1::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['fd00:ec2::254', 'metadata'],
    ['fd20:ce::254', 'metadata'],
  ];

  it.each(cases)('classifies %s as %s', (text, category) => {
    expect(classifyIp(text)?.category).toBe(category);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback', 'ipv4-mapped', '127.0.0.1'],
    ['::ffff:8.8.8.8', 'public', 'ipv4-mapped', '8.8.8.8'],
    ['::ffff:169.254.169.254', 'metadata', 'ipv4-mapped', '169.254.169.254'],
    ['::10.0.0.1', 'private', 'ipv4-compatible', '10.0.0.1'],
    ['::8.8.8.8', 'reserved', 'ipv4-compatible', '8.8.8.8'],
    ['::ffff:0:192.168.0.1', 'private', 'ipv4-translated', '192.168.0.1'],
    ['64:ff9b::10.1.1.1', 'private', 'nat64', '10.1.1.1'],
    ['64:ff9b::8.8.8.8', 'public', 'nat64', '8.8.8.8'],
    ['2002:a9fe:a9fe::1', 'metadata', '6to4', '169.254.169.254'],
    ['2002:0808:0808::1', 'public', '6to4', '8.8.8.8'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private', 'teredo', '10.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public', 'teredo', '8.8.8.8'],
  ] as const)(
    'classifies %s by its embedded IPv4 (%s)',
    (text, category, embedding, embeddedIpv4) => {
      const result = classifyIp(text);
      expect(result?.embedding).toBe(embedding);
      expect(result?.embeddedIpv4).toBe(embeddedIpv4);
      expect(result?.category).toBe(category);
    },
  );

  it('returns undefined for non-addresses', () => {
    expect(classifyIp('example.com')).toBeUndefined();
    expect(classifyIp('fe80::1%lo')).toBeUndefined();
  });
});

describe('checkAddress', () => {
  const closed = { allowPrivateNetworks: false };
  const open = { allowPrivateNetworks: true };

  it('lets public addresses through', () => {
    expect(checkAddress('93.184.215.14', closed)).toEqual({
      ok: true,
      value: { category: 'public' },
    });
  });

  it.each([
    ['127.0.0.1', closed, 'private_address', 'loopback'],
    ['::1', closed, 'private_address', 'loopback'],
    ['fd00::1', closed, 'private_address', 'unique-local'],
    ['100.64.1.1', closed, 'private_address', 'cgnat'],
    ['169.254.169.254', open, 'metadata_address', 'metadata'],
    ['::ffff:a9fe:a9fe', open, 'metadata_address', 'metadata'],
    ['0.0.0.0', open, 'reserved_address', 'unspecified'],
    ['ff02::1', open, 'reserved_address', 'multicast'],
  ] as const)('refuses %s with %s', (address, http, reason, category) => {
    const result = checkAddress(address, http);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('url_denied');
    expect(result.error.data).toMatchObject({ reason, category });
  });

  it('allows private ranges when the policy does', () => {
    expect(checkAddress('10.0.0.1', open).ok).toBe(true);
    expect(checkAddress('fe80::1', open).ok).toBe(true);
  });

  it('refuses text that is not an address, including zone ids', () => {
    for (const text of ['fe80::1%eth0', 'localhost', '']) {
      const result = checkAddress(text, open);
      expect(!result.ok && (result.error.data as UrlDeniedData).reason).toBe('invalid_address');
    }
  });

  it('accepts a parsed address', () => {
    const parsed = parseIp('10.0.0.1');
    expect(parsed && checkAddress(parsed, closed).ok).toBe(false);
  });
});
