import { describe, expect, it } from 'vitest';
import { SecurityError } from '../../src/errors/index.js';
import {
  checkMethod,
  checkUrl,
  compileUrlRules,
  type UrlDeniedData,
  type UrlDeniedReason,
} from '../../src/security/validators/index.js';
import { httpPolicy } from './_validator-policies.js';

const POLICIES = {
  // Any public host on the default ports.
  open: httpPolicy({ allowDomains: ['*'] }),
  // Exact names, a subdomain wildcard, an IDN and a deny rule.
  list: httpPolicy({
    allowDomains: [
      'example.com',
      '*.example.org',
      'bücher.de',
      '93.184.215.14',
      '[2606:4700::1111]',
    ],
    denyDomains: ['evil.example.org'],
  }),
  // Local development: private networks and every port not denied.
  private: httpPolicy({ allowDomains: ['*'], allowPrivateNetworks: true, allowPorts: [] }),
  disabled: httpPolicy({ enabled: false, allowDomains: ['*'] }),
} as const;
type PolicyName = keyof typeof POLICIES;

type Vector = readonly [url: string, policy: PolicyName, reason: UrlDeniedReason];

const DENIED: readonly Vector[] = [
  // Loopback in every spelling the WHATWG parser accepts.
  ['http://127.0.0.1/', 'open', 'private_address'],
  ['http://127.1/', 'open', 'private_address'],
  ['http://2130706433/', 'open', 'private_address'],
  ['http://0x7f000001/', 'open', 'private_address'],
  ['http://0177.0.0.1/', 'open', 'private_address'],
  ['http://0x7f.0.0.1/', 'open', 'private_address'],
  ['http://0x7f.1/', 'open', 'private_address'],
  ['http://017700000001/', 'open', 'private_address'],
  ['http://127.0.0.1./', 'open', 'private_address'],
  ['http://%31%32%37.0.0.1/', 'open', 'private_address'],
  ['http://①②⑦.0.0.1/', 'open', 'private_address'],
  ['http://１２７.０.０.１/', 'open', 'private_address'],
  ['HTTP://127.0.0.1:80/', 'open', 'private_address'],
  ['http:\\\\127.0.0.1\\admin', 'open', 'private_address'],
  ['http:/127.0.0.1/', 'open', 'private_address'],
  ['http://[::1]/', 'open', 'private_address'],
  ['http://[0:0:0:0:0:0:0:1]/', 'open', 'private_address'],
  ['http://[::ffff:127.0.0.1]/', 'open', 'private_address'],
  ['http://[::ffff:7f00:1]/', 'open', 'private_address'],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]/', 'open', 'private_address'],
  ['http://[::127.0.0.1]/', 'open', 'private_address'],
  ['http://[64:ff9b::7f00:1]/', 'open', 'private_address'],
  ['http://[2002:7f00:1::]/', 'open', 'private_address'],
  ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'open', 'private_address'],
  ['http://localhost/', 'open', 'private_address'],
  ['http://LOCALHOST./', 'open', 'private_address'],
  ['http://app.localhost:443/', 'open', 'private_address'],
  ['http://ip6-localhost/', 'open', 'private_address'],
  // Private, link-local, CGNAT, unique-local.
  ['http://10.0.0.1/', 'open', 'private_address'],
  ['http://10.255.255.255/', 'open', 'private_address'],
  ['http://172.16.5.4/', 'open', 'private_address'],
  ['http://172.31.255.255/', 'open', 'private_address'],
  ['http://192.168.1.1/', 'open', 'private_address'],
  ['http://3232235777/', 'open', 'private_address'],
  ['http://100.64.0.1/', 'open', 'private_address'],
  ['http://100.127.255.254/', 'open', 'private_address'],
  ['http://169.254.1.1/', 'open', 'private_address'],
  ['http://[fe80::1]/', 'open', 'private_address'],
  ['http://[febf::1]/', 'open', 'private_address'],
  ['http://[fc00::1]/', 'open', 'private_address'],
  ['http://[fd12:3456::1]/', 'open', 'private_address'],
  ['http://[fec0::1]/', 'open', 'private_address'],
  ['http://[::ffff:0:a00:1]/', 'open', 'private_address'],
  ['http://[::ffff:10.0.0.1]/', 'open', 'private_address'],
  ['http://[2002:c0a8:101::1]/', 'open', 'private_address'],
  // Cloud metadata, by address (every spelling) and by name; refused even with private networks.
  ['http://169.254.169.254/latest/meta-data/', 'open', 'metadata_address'],
  ['http://0xa9fea9fe/', 'open', 'metadata_address'],
  ['http://2852039166/', 'open', 'metadata_address'],
  ['http://169.254.43518/', 'open', 'metadata_address'],
  ['http://0251.0376.0251.0376/', 'open', 'metadata_address'],
  ['http://[::ffff:169.254.169.254]/', 'open', 'metadata_address'],
  ['https://[::ffff:a9fe:a9fe]/', 'open', 'metadata_address'],
  ['http://[64:ff9b::a9fe:a9fe]/', 'open', 'metadata_address'],
  ['http://[fd00:ec2::254]/latest/', 'open', 'metadata_address'],
  ['http://[fd20:ce::254]/', 'open', 'metadata_address'],
  ['http://100.100.100.200/', 'open', 'metadata_address'],
  ['http://168.63.129.16/', 'open', 'metadata_address'],
  ['http://169.254.170.2/v2/credentials', 'open', 'metadata_address'],
  ['http://metadata.google.internal/computeMetadata/v1/', 'open', 'metadata_address'],
  ['http://METADATA.GOOGLE.INTERNAL./', 'open', 'metadata_address'],
  ['http://metadata/', 'open', 'metadata_address'],
  ['http://instance-data/', 'open', 'metadata_address'],
  ['http://169.254.169.254/', 'private', 'metadata_address'],
  ['http://metadata.google.internal/', 'private', 'metadata_address'],
  ['http://[fd00:ec2::254]/', 'private', 'metadata_address'],
  // Never routable, whatever the policy.
  ['http://0.0.0.0/', 'open', 'reserved_address'],
  ['http://0/', 'open', 'reserved_address'],
  ['http://0.0.0.0/', 'private', 'reserved_address'],
  ['http://224.0.0.1/', 'open', 'reserved_address'],
  ['http://255.255.255.255/', 'private', 'reserved_address'],
  ['http://240.0.0.1/', 'open', 'reserved_address'],
  ['http://192.0.2.1/', 'open', 'reserved_address'],
  ['http://198.18.0.1/', 'open', 'reserved_address'],
  ['http://[::]/', 'open', 'reserved_address'],
  ['http://[ff02::1]/', 'private', 'reserved_address'],
  ['http://[2001:db8::1]/', 'open', 'reserved_address'],
  ['http://[::8.8.8.8]/', 'open', 'reserved_address'],
  // Schemes.
  ['file:///etc/passwd', 'open', 'scheme'],
  ['ftp://example.com/', 'open', 'scheme'],
  ['gopher://example.com:70/_GET', 'open', 'scheme'],
  ['dict://127.0.0.1:11211/stats', 'open', 'scheme'],
  ['data:text/plain,hello', 'open', 'scheme'],
  ['javascript:alert(1)', 'open', 'scheme'],
  ['ws://example.com/', 'open', 'scheme'],
  // Unparseable.
  ['not a url', 'open', 'invalid_url'],
  ['http://', 'open', 'invalid_url'],
  ['//example.com/', 'open', 'invalid_url'],
  ['http://[fe80::1%25eth0]/', 'open', 'invalid_url'],
  ['http://1.2.3.4.5/', 'open', 'invalid_url'],
  ['http://4294967296/', 'open', 'invalid_url'],
  ['http://a..b/', 'open', 'invalid_url'],
  ['http://example.com../', 'open', 'invalid_url'],
  ['http://exa mple.com/', 'open', 'invalid_url'],
  // Userinfo, checked before the host.
  ['http://user:pass@example.com/', 'open', 'userinfo'],
  ['http://user@example.com/', 'open', 'userinfo'],
  ['http://example.com@127.0.0.1/', 'open', 'userinfo'],
  ['http://127.0.0.1:80@example.com/', 'open', 'userinfo'],
  // Ports: the explicit or default one.
  ['http://example.com:22/', 'open', 'port'],
  ['http://example.com:8080/', 'open', 'port'],
  ['https://example.com:8443/', 'open', 'port'],
  ['http://example.com:6379/', 'private', 'port'],
  ['http://127.0.0.1:5432/', 'private', 'port'],
  // Host lists.
  ['http://sub.example.com/', 'list', 'domain_not_allowed'],
  ['http://example.org/', 'list', 'domain_not_allowed'],
  ['http://example.com.evil.net/', 'list', 'domain_not_allowed'],
  ['http://notexample.com/', 'list', 'domain_not_allowed'],
  ['http://8.8.8.8/', 'list', 'domain_not_allowed'],
  ['http://evil.example.org/', 'list', 'domain_denied'],
  ['http://EVIL.Example.ORG./', 'list', 'domain_denied'],
  // Everything off.
  ['http://example.com/', 'disabled', 'http_disabled'],
  ['http://127.0.0.1/', 'disabled', 'http_disabled'],
  [`http://example.com/${'a'.repeat(9000)}`, 'open', 'too_long'],
];

const ALLOWED: readonly (readonly [url: string, policy: PolicyName, host: string, port: number])[] =
  [
    ['http://example.com/', 'open', 'example.com', 80],
    ['https://example.com./path?q=1', 'open', 'example.com', 443],
    ['https://93.184.215.14/', 'open', '93.184.215.14', 443],
    ['http://[2606:4700::1111]/', 'open', '2606:4700::1111', 80],
    ['http://[::ffff:8.8.8.8]/', 'open', '::ffff:808:808', 80],
    ['http://example.com#@127.0.0.1/', 'open', 'example.com', 80],
    ['http://example.com/', 'list', 'example.com', 80],
    ['http://a.example.org/', 'list', 'a.example.org', 80],
    ['http://x.evil.example.org/', 'list', 'x.evil.example.org', 80],
    ['http://BÜCHER.de/', 'list', 'xn--bcher-kva.de', 80],
    ['http://xn--bcher-kva.de/', 'list', 'xn--bcher-kva.de', 80],
    ['http://93.184.215.14/', 'list', '93.184.215.14', 80],
    ['http://[2606:4700:0::1111]/', 'list', '2606:4700::1111', 80],
    ['http://127.0.0.1:3000/', 'private', '127.0.0.1', 3000],
    ['http://localhost:8080/', 'private', 'localhost', 8080],
    ['http://10.1.2.3/', 'private', '10.1.2.3', 80],
    ['http://[::1]:8080/', 'private', '::1', 8080],
    ['http://[fd12::1]/', 'private', 'fd12::1', 80],
  ];

describe('checkUrl SSRF vectors', () => {
  it('has the promised number of vectors', () => {
    expect(DENIED.length + ALLOWED.length).toBeGreaterThanOrEqual(60);
  });

  it.each(DENIED)('refuses %s (%s policy) with %s', (url, policy, reason) => {
    const result = checkUrl(url, POLICIES[policy]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(SecurityError);
    expect(result.error.code).toBe('url_denied');
    expect((result.error.data as UrlDeniedData).reason).toBe(reason);
  });

  it.each(ALLOWED)('allows %s (%s policy)', (url, policy, host, port) => {
    const result = checkUrl(url, POLICIES[policy]);
    if (!result.ok) throw result.error;
    expect(result.value.hostname).toBe(host);
    expect(result.value.port).toBe(port);
  });
});

describe('checkUrl error data', () => {
  it('names the embedded address and its category', () => {
    const result = checkUrl('http://[::ffff:169.254.169.254]/', POLICIES.open);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.data).toMatchObject({
      reason: 'metadata_address',
      category: 'metadata',
      host: '::ffff:a9fe:a9fe',
      port: 80,
    });
  });

  it('names the deny rule that matched', () => {
    const result = checkUrl('http://evil.example.org/', POLICIES.list);
    expect(!result.ok && result.error.data).toMatchObject({ rule: 'evil.example.org' });
  });

  it('shortens a huge URL in the error and never parses it', () => {
    const url = `http://example.com/${'x'.repeat(100_000)}`;
    const result = checkUrl(url, POLICIES.open);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const data = result.error.data as UrlDeniedData;
    expect(data).toMatchObject({ reason: 'too_long', limit: 8192 });
    expect(data.url?.length).toBeLessThanOrEqual(256);
  });

  it('honours a custom maxUrlLength', () => {
    const result = checkUrl('http://example.com/abcdef', POLICIES.open, { maxUrlLength: 10 });
    expect(!result.ok && result.error.data).toMatchObject({ reason: 'too_long', limit: 10 });
  });

  it('accepts a URL object', () => {
    const result = checkUrl(new URL('https://example.com/x'), POLICIES.open);
    expect(result.ok && result.value.url.pathname).toBe('/x');
  });

  it('refuses a value that is neither a string nor a URL', () => {
    const result = checkUrl(42 as unknown as string, POLICIES.open);
    expect(!result.ok && result.error.data).toMatchObject({ reason: 'invalid_url' });
  });

  it('allows userinfo when the policy does', () => {
    const policy = httpPolicy({ allowDomains: ['example.com'], allowUserinfo: true });
    expect(checkUrl('https://u:p@example.com/', policy).ok).toBe(true);
  });
});

describe('host rules', () => {
  it('refuses a policy whose rules do not compile, with policy_invalid', () => {
    const policy = httpPolicy({
      allowDomains: ['10.*', 'ok.com', '*.'],
      denyDomains: ['bad host'],
    });
    const result = checkUrl('http://ok.com/', policy);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('policy_invalid');
    expect(result.error.data).toEqual({
      problems: [
        { path: 'http.allowDomains[0]', message: expect.stringContaining('10.*') },
        { path: 'http.allowDomains[2]', message: expect.any(String) },
        { path: 'http.denyDomains[0]', message: expect.any(String) },
      ],
      omitted: 0,
    });
    expect(() => compileUrlRules(policy)).toThrow(SecurityError);
  });

  it('refuses invalid ports in allowPorts', () => {
    const result = checkUrl('http://ok.com/', httpPolicy({ allowDomains: ['*'], allowPorts: [0] }));
    expect(!result.ok && result.error.code).toBe('policy_invalid');
  });

  it('lets deny win over allow, wildcard against exact', () => {
    const policy = httpPolicy({
      allowDomains: ['api.example.com'],
      denyDomains: ['*.example.com'],
    });
    const result = checkUrl('https://api.example.com/', policy);
    expect(!result.ok && result.error.data).toMatchObject({
      reason: 'domain_denied',
      rule: '*.example.com',
    });
  });

  it('denies everything with a deny rule of *', () => {
    const policy = httpPolicy({ allowDomains: ['*'], denyDomains: ['*'] });
    expect(checkUrl('https://example.com/', policy).ok).toBe(false);
  });

  it('matches deep subdomains and is case-insensitive', () => {
    const policy = httpPolicy({ allowDomains: ['*.Example.COM'] });
    expect(checkUrl('https://a.b.c.example.com/', policy).ok).toBe(true);
    expect(checkUrl('https://example.com/', policy).ok).toBe(false);
  });

  it('compiles thousands of rules once and answers in constant lookups', () => {
    const allowDomains = Array.from({ length: 5000 }, (_, i) => `host${i}.example.net`);
    const denyDomains = Array.from({ length: 5000 }, (_, i) => `*.zone${i}.example.net`);
    const policy = httpPolicy({ allowDomains, denyDomains });
    expect(checkUrl('https://host4999.example.net/', policy).ok).toBe(true);
    const denied = checkUrl('https://a.zone17.example.net/', policy);
    expect(!denied.ok && denied.error.data).toMatchObject({ reason: 'domain_denied' });
    expect(checkUrl('https://host5000.example.net/', policy).ok).toBe(false);
  });

  it('works the same through compileUrlRules', () => {
    const rules = compileUrlRules(POLICIES.list);
    expect(rules.check('http://a.example.org/').ok).toBe(true);
    expect(rules.checkMethod('get')).toEqual({ ok: true, value: 'GET' });
    expect(rules.checkAddress('10.0.0.1').ok).toBe(false);
  });
});

describe('checkMethod', () => {
  const http = POLICIES.open.http;

  it.each(['GET', 'get', 'Post', 'DELETE'])('allows %s, upper-cased', (method) => {
    expect(checkMethod(method, http)).toEqual({ ok: true, value: method.toUpperCase() });
  });

  it.each(['CONNECT', 'TRACE', 'OPTIONS', 'GET ', 'G\nET', '', 'A'.repeat(100)])(
    'refuses %j',
    (method) => {
      const result = checkMethod(method, http);
      expect(!result.ok && result.error.data).toMatchObject({ reason: 'method' });
    },
  );
});
