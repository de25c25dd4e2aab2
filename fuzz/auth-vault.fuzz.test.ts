import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Url, toBase64, toBase64Url } from '../src/auth/_bytes.js';
import { createVault } from '../src/auth/vault.js';
import { AuthError } from '../src/errors/families.js';

const vault = createVault({ key: new Uint8Array(32).fill(9) });
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

async function openError(name: string, sealed: unknown): Promise<unknown> {
  return vault.open(name, sealed as string).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('vault.open (property)', () => {
  it('gives vault_decrypt_failed for any string that was not sealed by it', async () => {
    const candidates = fc.oneof(
      fc.string(),
      fc.anything(),
      fc.string({ unit: fc.constantFrom(...B64URL), maxLength: 120 }).map((body) => `v1.${body}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.string(), candidates, async (name, sealed) => {
        const error = await openError(name, sealed);
        expect(error).toBeInstanceOf(AuthError);
        expect((error as AuthError).code).toBe('vault_decrypt_failed');
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips any text under its name and refuses every other name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (name, other, text) => {
        fc.pre(name !== other);
        const sealed = await vault.seal(name, text);
        expect(await vault.open(name, sealed)).toBe(text);
        expect(((await openError(other, sealed)) as AuthError).code).toBe('vault_decrypt_failed');
      }),
      { numRuns: 200 },
    );
  });

  it('detects any single-character change of a sealed value', async () => {
    const sealed = await vault.seal('n', 'the secret');
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: sealed.length - 1 }),
        fc.constantFrom(...B64URL),
        async (at, char) => {
          const changed = sealed.slice(0, at) + char + sealed.slice(at + 1);
          fc.pre(changed !== sealed);
          expect(((await openError('n', changed)) as AuthError).code).toBe('vault_decrypt_failed');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('base64 codecs (property)', () => {
  it('round-trip bytes, and accept only canonical encodings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
        expect(toBase64(bytes)).toBe(btoa(String.fromCharCode(...bytes)));
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...`${B64URL}+/=`), maxLength: 40 }),
        (text) => {
          const standard = fromBase64(text);
          if (standard !== undefined)
            expect(toBase64(standard).replace(/=+$/, '')).toBe(text.replace(/=+$/, ''));
          const url = fromBase64Url(text);
          if (url !== undefined) expect(toBase64Url(url)).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
