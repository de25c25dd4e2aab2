import { type KnownOptions, rejectUnknownOptions } from '../_known-options.js';
import { AuthError, ValidationError } from '../errors/families.js';
import {
  concatBytes,
  fromBase64,
  fromBase64Url,
  randomBytes,
  toBase64Url,
  utf8,
} from './_bytes.js';

/** The options createVault takes, checked against VaultOptions. */
const VAULT_OPTIONS = {
  key: true,
  env: true,
  envVar: true,
  previousKeys: true,
} satisfies KnownOptions<VaultOptions>;

/** The environment variable a vault reads its key from by default. */
export const VAULT_KEY_ENV = 'SKREAVER_ENCRYPTION_KEY';

/** A 256-bit key: 32 raw bytes, or their base64 (standard or base64url, padding optional). */
export type VaultKeyInput = Uint8Array | string;

/** Options of {@link createVault}. */
export interface VaultOptions {
  /**
   * The AES-256 key: 32 bytes, their base64, or a WebCrypto `CryptoKey` for
   * AES-GCM (which may be non-extractable). Wins over `env`.
   * @defaultValue read from `env[envVar]`
   */
  readonly key?: VaultKeyInput | CryptoKey;
  /**
   * Environment to read the key from when `key` is not given. The core cannot
   * read `process.env` itself; pass it (`createVault({ env: process.env })`).
   * @defaultValue `{}`
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Which variable of `env` holds the base64 key. @defaultValue 'SKREAVER_ENCRYPTION_KEY' */
  readonly envVar?: string;
  /**
   * Older keys `open` also tries, newest first, so entries sealed before a key
   * rotation still open; `seal` always uses `key`. Reseal entries to finish a
   * rotation.
   * @defaultValue []
   */
  readonly previousKeys?: readonly (VaultKeyInput | CryptoKey)[];
}

/** Why a vault has no usable key. */
export type VaultKeyProblem = 'missing' | 'invalid_base64' | 'wrong_length' | 'wrong_type';

/** The `data` of a `vault_key_missing` error. */
export interface VaultKeyErrorData {
  /** What is wrong with the key. */
  readonly reason: VaultKeyProblem;
  /** Where the key came from: `key`, `previousKeys[i]` or the variable's name. */
  readonly source: string;
  /** `wrong_length`: how many bytes it decoded to. */
  readonly length?: number;
}

/** Why a sealed value did not open. */
export type VaultOpenProblem = 'format' | 'authentication' | 'encoding';

/** The `data` of a `vault_decrypt_failed` error. */
export interface VaultDecryptErrorData {
  /**
   * `format`: not a sealed value of a known version; `authentication`: wrong
   * key, tampered, or sealed under another name (indistinguishable by
   * design); `encoding`: the plaintext was not UTF-8.
   */
  readonly reason: VaultOpenProblem;
  /** The entry name it was opened under. */
  readonly name: string;
}

/**
 * Encrypts and decrypts named secrets with AES-256-GCM. Made by
 * {@link createVault}.
 */
export interface Vault {
  /**
   * Encrypts `plaintext` for the entry `name`: a fresh random 96-bit nonce per
   * call, and `name` bound as associated data, so the result only opens under
   * the same name. Returns `v1.<base64url(nonce | ciphertext | tag)>`.
   * @throws `ValidationError` `invalid_input` when `name` or `plaintext` is not a string.
   */
  seal(name: string, plaintext: string): Promise<string>;
  /**
   * Decrypts a value made by `seal` under the same `name`.
   * @throws `AuthError` `vault_decrypt_failed` for a wrong key, tampering,
   *   another name, or a malformed value ({@link VaultDecryptErrorData}).
   */
  open(name: string, sealed: string): Promise<string>;
}

const VERSION = 'v1.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const AAD_CONTEXT = 'skreaver-vault/v1:';
const HOW_TO =
  'Make one with `openssl rand -base64 32` and pass it as `key` or in the environment as';

function keyMissing(
  reason: VaultKeyProblem,
  source: string,
  envVar: string,
  length?: number,
): AuthError {
  const what: Record<VaultKeyProblem, string> = {
    missing: `The credential vault has no encryption key: no \`key\` option and ${envVar} is not set.`,
    invalid_base64: `The vault key from ${source} is not valid base64.`,
    wrong_length: `The vault key from ${source} decodes to ${length} bytes; AES-256 needs exactly 32.`,
    wrong_type: `The vault key from ${source} must be 32 bytes, their base64, or an AES-GCM CryptoKey.`,
  };
  const data: VaultKeyErrorData =
    length === undefined ? { reason, source } : { reason, source, length };
  return new AuthError('vault_key_missing', `${what[reason]} ${HOW_TO} ${envVar}.`, { data });
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}

/** Checks a key now (so a bad key fails at creation) and returns its raw bytes or the CryptoKey. */
function keyMaterial(value: unknown, source: string, envVar: string): Uint8Array | CryptoKey {
  if (isCryptoKey(value)) return value;
  if (value instanceof Uint8Array) {
    if (value.length !== KEY_BYTES) throw keyMissing('wrong_length', source, envVar, value.length);
    return value.slice();
  }
  if (typeof value !== 'string') throw keyMissing('wrong_type', source, envVar);
  const text = value.trim();
  if (text === '') throw keyMissing('missing', source, envVar);
  const bytes = /[-_]/.test(text) ? fromBase64Url(text.replace(/=+$/, '')) : fromBase64(text);
  if (bytes === undefined) throw keyMissing('invalid_base64', source, envVar);
  if (bytes.length !== KEY_BYTES) throw keyMissing('wrong_length', source, envVar, bytes.length);
  return bytes;
}

function importKey(material: Uint8Array | CryptoKey): Promise<CryptoKey> {
  if (isCryptoKey(material)) return Promise.resolve(material);
  return globalThis.crypto.subtle.importKey('raw', material as BufferSource, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
}

function decryptFailed(
  reason: VaultOpenProblem,
  name: string,
  cause?: unknown,
): AuthError<VaultDecryptErrorData> {
  const what: Record<VaultOpenProblem, string> = {
    format: 'is not a sealed vault value (expected v1.<base64url>)',
    authentication: 'did not authenticate: wrong key, tampered data, or sealed under another name',
    encoding: 'decrypted to bytes that are not UTF-8',
  };
  return new AuthError('vault_decrypt_failed', `The vault entry '${name}' ${what[reason]}.`, {
    data: { reason, name },
    ...(cause === undefined ? {} : { cause }),
  });
}

function aad(name: string): Uint8Array {
  return utf8(AAD_CONTEXT + name);
}

/**
 * Creates a credential vault on WebCrypto AES-256-GCM. The key comes from
 * `options.key`, else from `env.SKREAVER_ENCRYPTION_KEY` (base64 of 32
 * bytes, e.g. `openssl rand -base64 32`). Unlike the Rust original, each
 * value is bound to its entry name (associated data), so a ciphertext copied
 * to another name does not open.
 *
 * @throws `AuthError` `vault_key_missing` when there is no key or it is not
 *   32 bytes of valid base64 ({@link VaultKeyErrorData}); the message names
 *   the variable and how to make a key, never the key.
 * @example
 * ```ts
 * const vault = createVault({ env: process.env });
 * const sealed = await vault.seal('github-token', 'ghp_...');
 * const token = await vault.open('github-token', sealed);
 * ```
 */
export function createVault(options: VaultOptions = {}): Vault {
  rejectUnknownOptions('createVault', options, VAULT_OPTIONS);
  const envVar = options.envVar ?? VAULT_KEY_ENV;
  const fromEnv = options.key === undefined;
  const raw = fromEnv ? options.env?.[envVar] : options.key;
  if (raw === undefined) throw keyMissing('missing', envVar, envVar);
  const primary = keyMaterial(raw, fromEnv ? envVar : 'key', envVar);
  const previous = (options.previousKeys ?? []).map((value, index) =>
    keyMaterial(value, `previousKeys[${index}]`, envVar),
  );
  // Imported on first use: importKey is async and the factory is not.
  let keys: Promise<CryptoKey[]> | undefined;
  const cryptoKeys = (): Promise<CryptoKey[]> => {
    keys ??= Promise.all([primary, ...previous].map(importKey));
    return keys;
  };

  return {
    async seal(name, plaintext) {
      if (typeof name !== 'string' || typeof plaintext !== 'string') {
        throw new ValidationError(
          'invalid_input',
          'vault.seal needs a string name and a string plaintext.',
          {
            data: { name: typeof name, plaintext: typeof plaintext },
          },
        );
      }
      const [key] = await cryptoKeys();
      const nonce = randomBytes(NONCE_BYTES);
      const sealed = await globalThis.crypto.subtle.encrypt(
        {
          name: 'AES-GCM',
          iv: nonce as BufferSource,
          additionalData: aad(name) as BufferSource,
          tagLength: 128,
        },
        key as CryptoKey,
        utf8(plaintext) as BufferSource,
      );
      return VERSION + toBase64Url(concatBytes(nonce, new Uint8Array(sealed)));
    },
    async open(name, sealed) {
      const label = typeof name === 'string' ? name : String(name);
      if (typeof name !== 'string' || typeof sealed !== 'string' || !sealed.startsWith(VERSION)) {
        throw decryptFailed('format', label);
      }
      const bytes = fromBase64Url(sealed.slice(VERSION.length));
      if (bytes === undefined || bytes.length < NONCE_BYTES + TAG_BYTES) {
        throw decryptFailed('format', label);
      }
      const nonce = bytes.subarray(0, NONCE_BYTES);
      const body = bytes.subarray(NONCE_BYTES);
      let plain: ArrayBuffer | undefined;
      let failure: unknown;
      for (const key of await cryptoKeys()) {
        try {
          plain = await globalThis.crypto.subtle.decrypt(
            {
              name: 'AES-GCM',
              iv: nonce as BufferSource,
              additionalData: aad(name) as BufferSource,
              tagLength: 128,
            },
            key,
            body as BufferSource,
          );
          break;
        } catch (error) {
          failure = error;
        }
      }
      if (plain === undefined) throw decryptFailed('authentication', label, failure);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(plain);
      } catch (error) {
        throw decryptFailed('encoding', label, error);
      }
    },
  };
}
