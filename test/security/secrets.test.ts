import { describe, expect, it } from 'vitest';
import { SecurityError, ValidationError } from '../../src/errors/families.js';
import {
  createSecretScanner,
  isSensitiveKey,
  REDACTED,
  redactSecrets,
  redactValue,
  SECRET_DETECTORS,
  scanSecrets,
} from '../../src/security/secrets/index.js';

// Token-shaped strings are assembled at run time, so this file holds no
// literal that a repository secret scanner would flag.
const MIXED = 'aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xYzC';
function body(length: number, alphabet = MIXED): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[(i * 7 + 3) % alphabet.length];
  return text;
}
const b64url = (value: unknown): string =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const JWT = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: '1234567890', name: 'Ada' })}.${body(43, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_')}`;
const PEM_BODY = `MIIEowIBAAKCAQEA${body(64)}\n${body(64)}`;

/** [detector, text, the exact secret the finding must cover]. */
const TRUE_POSITIVES: [string, string, string][] = [
  [
    'pem_private_key',
    `key:\n-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----\nend`,
    `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`,
  ],
  [
    'pem_private_key',
    `-----BEGIN OPENSSH PRIVATE KEY-----\\n${body(70)}\\n-----END OPENSSH PRIVATE KEY-----`,
    `-----BEGIN OPENSSH PRIVATE KEY-----\\n${body(70)}\\n-----END OPENSSH PRIVATE KEY-----`,
  ],
  [
    'pem_private_key',
    `truncated -----BEGIN PRIVATE KEY-----\n${body(40)}`,
    `-----BEGIN PRIVATE KEY-----\n${body(40)}`,
  ],
  ['jwt', `token ${JWT} here`, JWT],
  ['jwt', `Authorization:${JWT}`, JWT],
  ['aws_access_key_id', 'aws_access_key_id AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
  ['aws_access_key_id', 'creds (ASIAJ3XQ4TLNR6QZ2VYA) expire', 'ASIAJ3XQ4TLNR6QZ2VYA'],
  ['github_token', `clone with ${'gh'}p_${body(36)}`, `ghp_${body(36)}`],
  [
    'github_token',
    `token=${'github'}_pat_${body(60, 'abcdefABCDEF0123456789_')}`,
    `github_pat_${body(60, 'abcdefABCDEF0123456789_')}`,
  ],
  ['gitlab_token', `use ${'gl'}pat-${body(20)} now`, `glpat-${body(20)}`],
  [
    'slack_token',
    `${'xo'}xb-123456789012-1234567890123-${body(24)}`,
    `xoxb-123456789012-1234567890123-${body(24)}`,
  ],
  [
    'slack_webhook',
    `post to https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/${body(24)}`,
    `https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/${body(24)}`,
  ],
  ['stripe_key', `stripe ${'sk'}_live_${body(24)}`, `sk_live_${body(24)}`],
  ['stripe_key', `${'rk'}_test_${body(24)}`, `rk_test_${body(24)}`],
  ['stripe_key', `webhook ${'wh'}sec_${body(32)}`, `whsec_${body(32)}`],
  ['google_api_key', `?key=${'AI'}za${body(35)}`, `AIza${body(35)}`],
  ['google_oauth_token', `${'ya'}29.${body(40)}`, `ya29.${body(40)}`],
  ['npm_token', `//registry.npmjs.org/:_authToken ${'np'}m_${body(36)}`, `npm_${body(36)}`],
  ['sendgrid_key', `${'S'}G.${body(22)}.${body(43)}`, `SG.${body(22)}.${body(43)}`],
  ['api_key', `OPENAI ${'sk'}-proj-${body(48)}`, `sk-proj-${body(48)}`],
  ['api_key', `${'sk'}-ant-api03-${body(40)}`, `sk-ant-api03-${body(40)}`],
  ['api_key', `key ${'sk'}_${'0123456789abcdef'.repeat(2)}`, `sk_${'0123456789abcdef'.repeat(2)}`],
  ['bearer_token', 'Authorization: Bearer abc123def456ghi789jkl', 'abc123def456ghi789jkl'],
  ['bearer_token', 'curl -H "authorization: bearer 0a1b2c3d4e5f6a7b8c9d"', '0a1b2c3d4e5f6a7b8c9d'],
  ['basic_auth', `Authorization: Basic ${btoa('admin:s3cret-pass')}`, btoa('admin:s3cret-pass')],
  ['url_password', 'postgres://app:s3cr3t@db.internal:5432/app', 's3cr3t'],
  ['url_password', 'see https://bob:pa%40ss@example.com/x', 'pa%40ss'],
  ['secret_assignment', 'password=hunter2hunter2', 'hunter2hunter2'],
  ['secret_assignment', 'DB_PASSWORD="Tr0ub4dor!3x"', 'Tr0ub4dor!3x'],
  ['secret_assignment', 'api_key: 9f8e7d6c5b4a3f2e1d0c', '9f8e7d6c5b4a3f2e1d0c'],
  ['secret_assignment', '{"client_secret": "Zx9-Qw8_Er7!"}', 'Zx9-Qw8_Er7!'],
  ['secret_assignment', '{\\"password\\":\\"p4ssw0rd!!\\"}', 'p4ssw0rd!!'],
  ['secret_assignment', 'mysql --password=Hunter22 db', 'Hunter22'],
  ['secret_assignment', 'note: password=hunter2!x', 'hunter2!x'],
  [
    'secret_assignment',
    'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ],
  ['secret_assignment', 'PGPASSWORD := s3cr3t-value', 's3cr3t-value'],
];

/** Ordinary text: punctuation, code, SQL, shell, URLs without passwords. None may be flagged. */
const ORDINARY: string[] = [
  "SELECT * FROM users WHERE id = $1 AND status = 'active';",
  'UPDATE accounts SET balance = balance - 100 WHERE id = 42;',
  'DELETE FROM sessions WHERE expires_at < now() AND (user_id = 7 OR user_id = 8);',
  'INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = excluded.b;',
  'if (a == b && c != d) { return x; }',
  'const total = items.reduce((sum, item) => sum + item.price, 0);',
  'function f(x) { return x.map((v) => v * 2); }',
  'for (let i = 0; i < n; i++) { sum += i; }',
  'matrix[i][j] = (a[i] + b[j]) / 2;',
  'echo $HOME && ls -la; cd /tmp',
  'git commit -m "fix: handle $PATH; add tests"',
  'x = (y + z) * 2; y = x & 0xff;',
  'a=1&b=2&c=3',
  'https://example.com/search?q=password&lang=en',
  'https://user@example.com/path',
  'postgres://localhost:5432/mydb',
  'mongodb://db1.example.com:27017,db2.example.com:27017/?replicaSet=rs0',
  '<a href="https://docs.example.com/api?page=2&size=10">docs</a>',
  'https://github.com/owner/repo/pull/123#discussion_r456',
  'Please enter your password: (at least 8 characters)',
  'The token expires in 3600 seconds; refresh it before then.',
  'password = getPassword();',
  'const apiKey = process.env.API_KEY;',
  'token: string;',
  'accessToken: AccessToken;',
  'password: required',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell placeholder, on purpose.
  'Set PASSWORD=${DB_PASSWORD} in your .env file',
  'api_key: <your-api-key>',
  'secret=******** (hidden)',
  'Price: $19.99 & free shipping; offer ends (soon)!',
  'The bearer of this letter is my friend.',
  'Basic authentication is deprecated; use OAuth 2.0 instead.',
  'sk-learn-documentation-page explains (scikit-learn) estimators',
  'task-1234: fix the login page (see PR #42)',
  'uuid = 123e4567-e89b-12d3-a456-426614174000',
  'sha256 = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'Hello, world! How are you today?',
  'The key to success is persistence.',
  'email: alice@example.com; phone: +1-555-0100',
  'key=value; path=/; HttpOnly; Secure',
  'eyes on the prize; they say (eyewitness) accounts vary',
  'password_hash = bcrypt(password, 12)',
  'The secret: it depends (on context) & timing.',
  'token_count = 1500; max_tokens = 4096',
  'C:\\Program Files\\App\\config.ini; %APPDATA%\\app',
  'ssh user@host -p 2222 "cd /srv && ./deploy.sh --env=prod"',
];

describe('secret detectors: true positives', () => {
  it.each(TRUE_POSITIVES)('%s finds its secret in %j', (detector, text, secret) => {
    const findings = scanSecrets(text);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding?.detector).toBe(detector);
    expect(text.slice(finding?.start, finding?.end)).toBe(secret);
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toBe(text.replace(secret, REDACTED));
  });

  it('has at least one true positive for every built-in detector', () => {
    const covered = new Set(TRUE_POSITIVES.map(([name]) => name));
    expect(SECRET_DETECTORS.map((d) => d.name).filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe('secret detectors: ordinary text', () => {
  it('has at least 30 ordinary samples with = ( ; & $', () => {
    expect(ORDINARY.length).toBeGreaterThanOrEqual(30);
    for (const char of ['=', '(', ';', '&', '$']) {
      expect(ORDINARY.filter((text) => text.includes(char)).length).toBeGreaterThan(3);
    }
  });

  it.each(ORDINARY)('does not flag %j', (text) => {
    expect(scanSecrets(text)).toEqual([]);
    expect(redactSecrets(text)).toBe(text);
    expect(createSecretScanner().hasSecret(text)).toBe(false);
  });

  it('does not flag ordinary text near a real secret', () => {
    const text = 'SELECT a FROM t WHERE b = $1; -- key AKIAIOSFODNN7EXAMPLE (rotate!)';
    expect(redactSecrets(text)).toBe('SELECT a FROM t WHERE b = $1; -- key [REDACTED] (rotate!)');
  });
});

describe('scanSecrets and redactSecrets', () => {
  it('finds several secrets in order and redacts each', () => {
    const text = 'a AKIAIOSFODNN7EXAMPLE b password=hunter2hunter2 c postgres://u:pw1@h/db';
    expect(scanSecrets(text).map((f) => f.detector)).toEqual([
      'aws_access_key_id',
      'secret_assignment',
      'url_password',
    ]);
    expect(redactSecrets(text)).toBe(
      'a [REDACTED] b password=[REDACTED] c postgres://u:[REDACTED]@h/db',
    );
  });

  it('merges overlapping findings into one', () => {
    const text = `api_key=${'sk'}-proj-${body(40)}`;
    const findings = scanSecrets(text);
    expect(findings).toHaveLength(1);
    expect(redactSecrets(text)).toBe(`api_key=${REDACTED}`);
  });

  it('refuses text past maxLength, and redacts only a marked head of it', () => {
    const text = `${'a '.repeat(30)}AKIAIOSFODNN7EXAMPLE ${'b'.repeat(100)} AKIAIOSFODNN7EXAMPLE`;
    expect(() => scanSecrets(text, { maxLength: 64 })).toThrow(SecurityError);
    try {
      createSecretScanner({ maxLength: 64 }).hasSecret(text);
    } catch (error) {
      expect((error as SecurityError).code).toBe('size_limit_exceeded');
    }
    const redacted = redactSecrets(text, { maxLength: 100 });
    expect(redacted).not.toContain('AKIA');
    expect(redacted).toMatch(/\[TRUNCATED \d+ characters\]$/);
    expect(redactSecrets('😀😀', { maxLength: 3 })).toBe('😀[TRUNCATED 2 characters]');
  });

  it('runs extra patterns, named custom, and refuses invalid ones', () => {
    const scanner = createSecretScanner({ extraPatterns: ['ACME-[0-9]{6}', /internal-\d+/i] });
    expect(scanner.redact('id ACME-123456 and INTERNAL-42')).toBe('id [REDACTED] and [REDACTED]');
    expect(scanner.scan('ACME-123456')[0]?.detector).toBe('custom');
    expect(() => createSecretScanner({ extraPatterns: ['('] })).toThrow(ValidationError);
    // A pattern that can match the empty string does not loop.
    expect(createSecretScanner({ extraPatterns: ['(?=x)'] }).scan('axbx')).toEqual([]);
  });

  it('runs only the detectors asked for, and refuses unknown names', () => {
    const scanner = createSecretScanner({ detectors: ['jwt'] });
    expect(scanner.scan('AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(scanner.scan(JWT)[0]?.detector).toBe('jwt');
    expect(() => createSecretScanner({ detectors: ['nope' as 'jwt'] })).toThrow(ValidationError);
    expect(() => createSecretScanner({ maxLength: 0 })).toThrow(ValidationError);
  });

  it('does not flag a JWT-shaped string whose header is not a JWT header', () => {
    const fake = `${b64url({ typ: 'x' })}.${b64url({ a: 1 })}.sig`;
    expect(scanSecrets(fake)).toEqual([]);
  });

  it('stays linear on adversarial input (each would take minutes if quadratic)', () => {
    const size = 200_000;
    const inputs = [
      `ey${'a-'.repeat(size / 2)}`,
      'a='.repeat(size / 2),
      `password=${'x'.repeat(size)}`,
      'ab:'.repeat(size / 3),
      `-----BEGIN PRIVATE KEY-----${' '.repeat(size)}`.repeat(2),
      'x://'.repeat(size / 4),
      'bearer '.repeat(size / 7),
      `${'sk-'.repeat(size / 3)}`,
    ];
    for (const text of inputs) expect(Array.isArray(scanSecrets(text))).toBe(true);
  });
});

describe('redactValue', () => {
  it('redacts strings at any depth and values under secret-named keys', () => {
    const value = {
      user: 'ada',
      password: 'x',
      apiKey: 12345,
      enabled: true,
      headers: { Authorization: 'Basic abc', 'X-Request-Id': 'r-1' },
      notes: ['plain', 'key AKIAIOSFODNN7EXAMPLE'],
      nested: [{ client_secret: { any: 'thing' } }, { token: null }],
      maxTokens: 4096,
    };
    expect(redactValue(value)).toEqual({
      user: 'ada',
      password: REDACTED,
      apiKey: REDACTED,
      enabled: true,
      headers: { Authorization: REDACTED, 'X-Request-Id': 'r-1' },
      notes: ['plain', `key ${REDACTED}`],
      nested: [{ client_secret: REDACTED }, { token: null }],
      maxTokens: 4096,
    });
  });

  it('shares unchanged parts and returns the value itself when nothing changes', () => {
    const clean = { a: [1, 'two', { three: 3 }], b: 'text' };
    expect(redactValue(clean)).toBe(clean);
    const mixed = { keep: { deep: ['x'] }, change: 'password=hunter2hunter2' };
    const out = redactValue(mixed) as typeof mixed;
    expect(out).not.toBe(mixed);
    expect(out.keep).toBe(mixed.keep);
    expect(mixed.change).toBe('password=hunter2hunter2');
  });

  it('turns errors into plain objects and survives cycles, depth, toJSON and hostile getters', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactValue(cyclic)).toEqual({ name: 'loop', self: '[CIRCULAR]' });
    const cyclicSecret: Record<string, unknown> = { s: 'AKIAIOSFODNN7EXAMPLE' };
    cyclicSecret.self = cyclicSecret;
    expect(redactValue(cyclicSecret)).toEqual({ s: REDACTED, self: '[CIRCULAR]' });
    const error = Object.assign(new Error('failed with password=hunter2hunter2'), { code: 'E1' });
    expect(redactValue({ error })).toEqual({
      error: { name: 'Error', message: `failed with password=${REDACTED}`, code: 'E1' },
    });
    let deep: unknown = 'AKIAIOSFODNN7EXAMPLE';
    for (let i = 0; i < 10; i++) deep = [deep];
    expect(JSON.stringify(redactValue(deep, { maxDepth: 5 }))).toContain('[TRUNCATED]');
    expect(redactValue({ when: new Date(0) })).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    const hostile = {
      get boom() {
        throw new Error('no');
      },
    };
    expect(redactValue({ hostile })).toEqual({ hostile: '[UNREADABLE]' });
  });

  it('can leave secret-named keys alone', () => {
    expect(redactValue({ password: 'x' }, { sensitiveKeys: false })).toEqual({ password: 'x' });
  });

  it('scanValue reports JSON pointers of strings and sensitive fields', () => {
    const scanner = createSecretScanner();
    expect(
      scanner.scanValue({
        a: ['ok', 'AKIAIOSFODNN7EXAMPLE'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder, on purpose.
        'b/c': { password: 'pw', token: '${T}' },
      }),
    ).toEqual([
      { path: '/a/1', detector: 'aws_access_key_id', start: 0, end: 20 },
      { path: '/b~1c/password', detector: 'sensitive_field', start: 0, end: 2 },
    ]);
    let deep: unknown = 'x';
    for (let i = 0; i < 300; i++) deep = { d: deep };
    expect(() => scanner.scanValue(deep)).toThrow(SecurityError);
  });
});

describe('isSensitiveKey', () => {
  it.each([
    'password',
    'Password',
    'DB_PASSWORD',
    'PGPASSWORD',
    'passwd',
    'pwd',
    'passphrase',
    'secret',
    'client_secret',
    'clientSecret',
    'token',
    'accessToken',
    'refresh-token',
    'apiKey',
    'api_key',
    'API-KEY',
    'apikey',
    'x-api-key',
    'privateKey',
    'aws_secret_access_key',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'credentials',
    'sessionId',
  ])('%s is sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each([
    'key',
    'name',
    'maxTokens',
    'max_tokens',
    'tokenCount',
    'passenger',
    'author',
    'keyboard',
    'primary_key_column',
    'id',
    '',
    'x'.repeat(200),
  ])('%s is not sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });
});
