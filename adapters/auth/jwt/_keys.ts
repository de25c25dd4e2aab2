import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  type KeyObject,
} from 'jose';
import { ValidationError } from 'skreaver';
import {
  JWT_ALGORITHMS,
  JWT_DEFAULTS,
  type JwtAlgorithm,
  type JwtAuthOptions,
  type JwtKey,
} from './options.js';

/** What signs: a key (or a promise of one, for JWKs imported on first use) and its algorithm. */
export interface Signer {
  readonly algorithm: JwtAlgorithm;
  readonly key: () => Promise<CryptoKey | KeyObject | Uint8Array>;
}

/** What verifies: a key or a key resolver, and the algorithms allowed. */
export interface Verifier {
  readonly algorithms: readonly JwtAlgorithm[];
  readonly key: () => Promise<CryptoKey | KeyObject | Uint8Array | JWTVerifyGetKey>;
}

/** Minimum HMAC key sizes (RFC 7518 section 3.2: at least the hash size). */
const HMAC_MIN_BYTES: Partial<Record<JwtAlgorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };

export function invalidOption(option: string, rule: string, value?: unknown): ValidationError {
  return new ValidationError('invalid_options', `The JWT option '${option}' ${rule}.`, {
    data: value === undefined ? { option } : { option, value },
  });
}

const isHmac = (algorithm: string): boolean => algorithm.startsWith('HS');

function isJwk(key: JwtKey): key is JWK {
  return typeof key === 'object' && key !== null && typeof (key as JWK).kty === 'string';
}

function checkAlgorithm(option: string, value: unknown): JwtAlgorithm {
  if (typeof value === 'string' && value.toLowerCase() === 'none') {
    throw invalidOption(option, "must not be 'none': unsigned tokens are never accepted", value);
  }
  if (!(JWT_ALGORITHMS as readonly unknown[]).includes(value)) {
    throw invalidOption(option, `must be one of ${JWT_ALGORITHMS.join(', ')}`, value);
  }
  return value as JwtAlgorithm;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

function asKey(
  key: JwtKey,
  algorithm: JwtAlgorithm,
  option: string,
): () => Promise<CryptoKey | KeyObject | Uint8Array> {
  if (!isJwk(key)) return () => Promise.resolve(key);
  return once(() =>
    importJWK(key, algorithm).catch((cause: unknown) => {
      throw new ValidationError(
        'invalid_options',
        `The JWT option '${option}' is a JWK jose cannot import for ${algorithm}.`,
        { data: { option }, cause },
      );
    }),
  );
}

function secretBytes(secret: unknown, algorithm: JwtAlgorithm): Uint8Array {
  const bytes =
    typeof secret === 'string'
      ? new TextEncoder().encode(secret)
      : secret instanceof Uint8Array
        ? secret.slice()
        : undefined;
  if (bytes === undefined) throw invalidOption('secret', 'must be a string or a Uint8Array');
  const min = HMAC_MIN_BYTES[algorithm] ?? 32;
  if (bytes.length < min) {
    // The message gives the length, never the secret.
    throw invalidOption(
      'secret',
      `must be at least ${min} bytes for ${algorithm} (got ${bytes.length}); make one with \`openssl rand -base64 ${min}\``,
    );
  }
  return bytes;
}

/** Resolves the allow-list and checks it against the key kind; never 'none', never mixed. */
function allowList(
  options: JwtAuthOptions,
  fallback: readonly JwtAlgorithm[],
  symmetric: boolean,
): JwtAlgorithm[] {
  const list = options.algorithms ?? fallback;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalidOption('algorithms', 'must be a non-empty array of algorithm names');
  }
  const algorithms = list.map((value, index) => checkAlgorithm(`algorithms[${index}]`, value));
  const wrongKind = algorithms.filter((algorithm) => isHmac(algorithm) !== symmetric);
  if (wrongKind.length > 0) {
    throw invalidOption(
      'algorithms',
      symmetric
        ? `may only hold HS* algorithms with a secret (got ${wrongKind.join(', ')})`
        : `may not hold HS* algorithms with public keys (got ${wrongKind.join(', ')}): that is the HS/RS confusion attack`,
    );
  }
  return [...new Set(algorithms)];
}

type Source = 'secret' | 'privateKey' | 'publicKey' | 'jwks' | 'jwksUrl';

/** What signs and what verifies. */
export interface ResolvedKeys {
  readonly signer: Signer | undefined;
  readonly verifier: Verifier;
}

/** HS*: one secret signs and verifies. */
function secretKeys(options: JwtAuthOptions, sources: readonly Source[]): ResolvedKeys {
  if (sources.length > 1) {
    const others = sources.filter((source) => source !== 'secret').join(', ');
    throw invalidOption('secret', `cannot be combined with ${others}`);
  }
  const algorithm = checkAlgorithm('algorithm', options.algorithm ?? 'HS256');
  if (!isHmac(algorithm)) {
    throw invalidOption('algorithm', 'must be HS256, HS384 or HS512 with a secret', algorithm);
  }
  const bytes = secretBytes(options.secret, algorithm);
  const algorithms = allowList(options, [algorithm], true);
  if (!algorithms.includes(algorithm)) {
    throw invalidOption('algorithms', `must include the signing algorithm ${algorithm}`);
  }
  for (const allowed of algorithms) secretBytes(bytes, allowed);
  const key = () => Promise.resolve(bytes);
  return { signer: { algorithm, key }, verifier: { algorithms, key } };
}

/** The verification side of asymmetric setups: one public key, a local JWKS or a remote one. */
function verificationKey(
  options: JwtAuthOptions,
  algorithm: JwtAlgorithm | undefined,
  algorithms: readonly JwtAlgorithm[],
): Verifier['key'] {
  const publicKey = options.publicKey;
  if (publicKey !== undefined) {
    if (!isJwk(publicKey)) return () => Promise.resolve(publicKey);
    // A JWK is imported for one algorithm; with several allowed, say which.
    const importAs = algorithm ?? (algorithms.length === 1 ? algorithms[0] : undefined);
    if (importAs === undefined) {
      throw invalidOption(
        'algorithm',
        'is required with a JWK publicKey without alg when several algorithms are allowed',
      );
    }
    return asKey(publicKey, importAs, 'publicKey');
  }
  const jwks = options.jwks;
  if (jwks !== undefined) {
    if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys)) {
      throw invalidOption('jwks', 'must be a JSON Web Key Set ({ keys: [...] })');
    }
    const resolver = createLocalJWKSet(jwks);
    return () => Promise.resolve(resolver);
  }
  let url: URL;
  try {
    url = new URL(String(options.jwksUrl));
  } catch (cause) {
    throw new ValidationError(
      'invalid_options',
      "The JWT option 'jwksUrl' must be an absolute URL.",
      {
        data: { option: 'jwksUrl' },
        cause,
      },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidOption('jwksUrl', 'must be an http(s) URL', url.href);
  }
  const remote = createRemoteJWKSet(url, options.jwksOptions);
  return () => Promise.resolve(remote);
}

/** RS*, PS*, ES*, EdDSA: an optional private key signs; one public source verifies. */
function keyPairKeys(options: JwtAuthOptions, sources: readonly Source[]): ResolvedKeys {
  const verifySources = sources.filter((source) => source !== 'privateKey');
  if (verifySources.length === 0) {
    throw invalidOption(
      'publicKey',
      'is required with privateKey (or give jwks or jwksUrl) so tokens can be verified',
    );
  }
  if (verifySources.length > 1) {
    throw invalidOption(
      verifySources[1] as Source,
      `cannot be combined with ${verifySources[0]}: give one verification key source`,
    );
  }
  const jwkAlg = (key: JwtKey | undefined) =>
    key !== undefined && isJwk(key) ? key.alg : undefined;
  const privateKey = options.privateKey;
  const chosen = options.algorithm ?? jwkAlg(privateKey) ?? jwkAlg(options.publicKey);
  const algorithm = chosen === undefined ? undefined : checkAlgorithm('algorithm', chosen);
  if (algorithm !== undefined && isHmac(algorithm)) {
    throw invalidOption(
      'algorithm',
      'must be asymmetric (RS*, PS*, ES*, EdDSA) with key pairs; use secret for HS*',
      algorithm,
    );
  }
  let signer: Signer | undefined;
  if (privateKey !== undefined) {
    if (algorithm === undefined) {
      throw invalidOption(
        'algorithm',
        'is required with a privateKey that is not a JWK carrying alg',
      );
    }
    signer = { algorithm, key: asKey(privateKey, algorithm, 'privateKey') };
  }
  const fallback = algorithm === undefined ? JWT_DEFAULTS.jwksAlgorithms : [algorithm];
  const algorithms = allowList(options, fallback, false);
  if (signer !== undefined && !algorithms.includes(signer.algorithm)) {
    throw invalidOption('algorithms', `must include the signing algorithm ${signer.algorithm}`);
  }
  return { signer, verifier: { algorithms, key: verificationKey(options, algorithm, algorithms) } };
}

/** Works out who signs and who verifies from the options, failing fast on anything inconsistent. */
export function resolveKeys(options: JwtAuthOptions): ResolvedKeys {
  const sources = (['secret', 'privateKey', 'publicKey', 'jwks', 'jwksUrl'] as const).filter(
    (name) => options[name] !== undefined,
  );
  if (sources.length === 0) {
    throw invalidOption(
      'secret',
      'is required (or give privateKey/publicKey, jwks or jwksUrl); there is no built-in default. Make a secret with `openssl rand -base64 32`',
    );
  }
  return sources.includes('secret') ? secretKeys(options, sources) : keyPairKeys(options, sources);
}
