import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SkreaverError } from '../src/errors/skreaver-error.js';
import {
  createSecretScanner,
  REDACTED,
  redactSecrets,
  redactValue,
  scanSecrets,
} from '../src/security/secrets/index.js';

const scanner = createSecretScanner();

/** Words of prose and code, none of them a secret name or a token prefix. */
const WORDS = [
  'the',
  'quick',
  'brown',
  'fox',
  'jumps',
  'over',
  'lazy',
  'dog',
  'select',
  'from',
  'where',
  'and',
  'or',
  'users',
  'orders',
  'id',
  'name',
  'value',
  'count',
  'total',
  'price',
  'return',
  'const',
  'let',
  'function',
  'if',
  'else',
  'for',
  'while',
  'map',
  'filter',
  'reduce',
  'item',
  'items',
  'sum',
  'x',
  'y',
  'z',
  'a',
  'b',
  'hello',
  'world',
  'weather',
  'Paris',
  'Oslo',
  'tomorrow',
  'report',
  'summary',
  'echo',
  'cd',
  'ls',
  'grep',
  'HOME',
  'PATH',
  'USER',
  'status',
  'active',
  'page',
  'size',
  'limit',
  'offset',
  'query',
  'search',
  'update',
  'insert',
  'delete',
  'into',
  'values',
  'set',
  'null',
  'true',
  'false',
  'undefined',
  'NaN',
  'Infinity',
];
const PUNCT = [
  '=',
  '==',
  '(',
  ')',
  ';',
  '&',
  '&&',
  '$',
  '$1',
  ',',
  '.',
  ':',
  '!',
  '?',
  '-',
  '*',
  '/',
  '+',
  '"',
  "'",
  '<',
  '>',
  '[',
  ']',
  '{',
  '}',
  '|',
  '%',
  '#',
  '@',
  '\n',
];
const NUMBER = fc.integer({ min: 0, max: 9999 }).map(String);
const URL_SAFE = fc
  .tuple(
    fc.constantFrom('https', 'http', 'postgres', 'redis', 'ftp'),
    fc.constantFrom('', 'user@', 'admin@'),
    fc.constantFrom('example.com', 'db.internal:5432', 'localhost:6379', 'api.example.org'),
    fc.constantFrom('', '/', '/a/b', '/search?q=x&page=2', '/p?id=$1;x=(y)'),
  )
  .map(([scheme, user, host, path]) => `${scheme}://${user}${host}${path}`);

/** Ordinary text: words, short numbers, punctuation, URLs without passwords. */
const ordinary = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
      { weight: 4, arbitrary: fc.constantFrom(...PUNCT) },
      NUMBER,
      URL_SAFE,
    ),
    {
      maxLength: 40,
    },
  )
  .chain((tokens) =>
    fc
      .array(fc.constantFrom(' ', '', ' ', '  '), {
        minLength: tokens.length,
        maxLength: tokens.length,
      })
      .map((gaps) => tokens.map((token, i) => token + (gaps[i] ?? ' ')).join('')),
  );

/** [text holding a secret, the secret itself]. */
const PLANTED: [string, string][] = [
  ['AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
  [`${'sk'}-proj-aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xYz`, 'aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xYz'],
  [`${'gh'}p_aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xYzCdEf`, 'aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xYzCdEf'],
  ['password=hunter2hunter2', 'hunter2hunter2'],
  ['postgres://app:s3cr3t@db/app', 's3cr3t'],
  ['Authorization: Bearer abc123def456ghi789jkl', 'abc123def456ghi789jkl'],
];
const SECRETS = PLANTED.map(([text]) => text);

describe('secret scanning (property)', () => {
  it('never throws anything but a SkreaverError; findings are ordered, disjoint, in bounds and redacted', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ maxLength: 300 }),
          ordinary,
        ),
        (text) => {
          let findings: ReturnType<typeof scanSecrets>;
          try {
            findings = scanSecrets(text);
          } catch (error) {
            expect(error).toBeInstanceOf(SkreaverError);
            return;
          }
          let end = 0;
          let expected = '';
          for (const finding of findings) {
            expect(finding.start).toBeGreaterThanOrEqual(end);
            expect(finding.end).toBeGreaterThan(finding.start);
            expect(finding.end).toBeLessThanOrEqual(text.length);
            expected += text.slice(end, finding.start) + REDACTED;
            end = finding.end;
          }
          // Redaction replaces exactly what the scan found.
          expect(redactSecrets(text)).toBe(expected + text.slice(end));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never flags random ordinary text', () => {
    fc.assert(
      fc.property(ordinary, (text) => {
        expect(scanSecrets(text)).toEqual([]);
        expect(redactSecrets(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a secret set off by spaces inside ordinary text, and redaction removes it', () => {
    fc.assert(
      fc.property(
        ordinary,
        ordinary,
        fc.constantFrom(...PLANTED),
        (before, after, [planted, secret]) => {
          const text = `${before} ${planted} ${after}`;
          expect(scanner.hasSecret(text)).toBe(true);
          const redacted = redactSecrets(text);
          expect(redacted).toContain(REDACTED);
          expect(redacted.startsWith(before)).toBe(true);
          expect(redacted.endsWith(after)).toBe(true);
          expect(redacted).not.toContain(secret);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('redactValue never throws and leaves no finding in any string', () => {
    const strings = fc.oneof(ordinary, fc.constantFrom(...SECRETS), fc.string({ maxLength: 40 }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        strings,
        fc.integer(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('password', 'token', 'note', 'apiKey', 'q'),
            fc.string({ maxLength: 6 }),
          ),
          tie('node'),
          { maxKeys: 4 },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const redacted = redactValue(v);
        for (const finding of scanner.scanValue(redacted)) {
          // Only the markers themselves may sit under secret-named keys.
          expect(finding.detector).toBe('sensitive_field');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
