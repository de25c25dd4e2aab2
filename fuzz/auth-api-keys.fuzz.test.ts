import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../src/auth/api-key-format.js';
import type { ApiKeyManager } from '../src/auth/api-key-types.js';
import { createApiKeyManager } from '../src/auth/api-keys.js';
import { AuthError } from '../src/errors/families.js';

const FORMAT = { prefix: 'sk_', secretLength: 43 };
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Strings shaped like keys, mostly near-misses, plus anything at all. */
const keyish = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .tuple(
      fc.constantFrom('sk_', 'sk-', 'SK_', ''),
      fc.string({
        unit: fc.constantFrom(...'0123456789abcdefABCDEF_'),
        minLength: 20,
        maxLength: 28,
      }),
      fc.constantFrom('_', '-', ''),
      fc.string({ unit: fc.constantFrom(...`${B64URL}=+/ é`), minLength: 38, maxLength: 48 }),
    )
    .map((parts) => parts.join('')),
);

describe('parseApiKey (property)', () => {
  it('throws nothing but auth_required or auth_invalid, whatever the input', () => {
    fc.assert(
      fc.property(keyish, (input) => {
        try {
          const parsed = parseApiKey(input, FORMAT);
          // What parses really has the documented shape.
          expect(input).toBe(`sk_${parsed.id}_${parsed.secret}`);
          expect(parsed.id).toMatch(/^[0-9a-f]{24}$/);
          expect(parsed.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(AuthError);
          expect(['auth_required', 'auth_invalid']).toContain((error as AuthError).code);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts exactly the well-formed keys', () => {
    const id = fc.string({
      unit: fc.constantFrom(...'0123456789abcdef'),
      minLength: 24,
      maxLength: 24,
    });
    const secret = fc.string({ unit: fc.constantFrom(...B64URL), minLength: 43, maxLength: 43 });
    fc.assert(
      fc.property(id, secret, (i, s) => {
        expect(parseApiKey(`sk_${i}_${s}`, FORMAT)).toEqual({ id: i, secret: s });
      }),
    );
  });
});

describe('ApiKeyManager.verify (property)', () => {
  let keys: ApiKeyManager;
  let real: string;

  beforeAll(async () => {
    keys = createApiKeyManager();
    real = (await keys.issue({ id: 'p', roles: ['agent'] }, { name: 'k' })).key;
  });

  it('rejects arbitrary input with an AuthError only', async () => {
    await fc.assert(
      fc.asyncProperty(keyish, async (input) => {
        const error = await keys.verify(input).then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(AuthError);
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts a key that differs from the issued one in any character', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: real.length - 1 }),
        fc.constantFrom(...`${B64URL}x`),
        fc.constantFrom('replace', 'delete', 'insert'),
        async (at, char, how) => {
          const mutated =
            how === 'replace'
              ? real.slice(0, at) + char + real.slice(at + 1)
              : how === 'delete'
                ? real.slice(0, at) + real.slice(at + 1)
                : real.slice(0, at) + char + real.slice(at);
          fc.pre(mutated !== real);
          const error = await keys.verify(mutated).then(
            () => undefined,
            (failure: unknown) => failure,
          );
          expect(error).toBeInstanceOf(AuthError);
          expect((error as AuthError).code).toBe('auth_invalid');
        },
      ),
      { numRuns: 300 },
    );
    await expect(keys.verify(real)).resolves.toMatchObject({ id: 'p' });
  });
});
