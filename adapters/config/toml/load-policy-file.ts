import { open } from 'node:fs/promises';
import { isSkreaverError, policyInvalidError, ValidationError } from 'skreaver';
import { type LoadPolicyFileOptions, POLICY_TOML_DEFAULTS, type PolicyToml } from './options.js';
import { parsePolicyToml } from './parse-policy-toml.js';

/** Bytes read per chunk; the cap, not the chunk, bounds memory. */
const CHUNK = 64 * 1024;

function unreadable(path: string, why: string, cause?: unknown) {
  return policyInvalidError([{ path: '', message: `could not be read: ${why}` }], {
    source: path,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Reads at most `limit + 1` bytes, so an endless or growing file cannot exhaust memory. */
async function readCapped(path: string, limit: number): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadable(path, (error as Error).message, error);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw unreadable(path, 'it is a directory');
    if (stat.size > limit) {
      throw policyInvalidError(
        [{ path: '', message: `is ${stat.size} bytes; the limit is ${limit} (option maxBytes)` }],
        { source: path },
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buffer = new Uint8Array(CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) {
        throw policyInvalidError(
          [
            {
              path: '',
              message: `is more than ${limit} bytes; the limit is ${limit} (option maxBytes)`,
            },
          ],
          { source: path },
        );
      }
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  } catch (error) {
    if (isSkreaverError(error)) throw error;
    throw unreadable(path, (error as Error).message, error);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a TOML policy file (at most `maxBytes`, checked before and while
 * reading, so a huge or endless file is refused without being loaded) and
 * parses it with `parsePolicyToml`. Problems name the file in
 * `data.source`.
 *
 * @throws `SecurityError` with code `policy_invalid`: an unreadable file, a
 * file over `maxBytes`, text that is not UTF-8, and everything
 * `parsePolicyToml` refuses.
 * @throws `ValidationError` with code `invalid_options` for a bad option.
 * @example
 * ```ts
 * import { loadPolicyFile } from 'skreaver/config/toml';
 * const { policy, warnings } = await loadPolicyFile('./skreaver-security.toml');
 * ```
 */
export async function loadPolicyFile(
  path: string,
  options: LoadPolicyFileOptions = {},
): Promise<PolicyToml> {
  const maxBytes = options.maxBytes ?? POLICY_TOML_DEFAULTS.maxBytes;
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new ValidationError(
      'invalid_options',
      "The option 'maxBytes' must be a positive integer.",
      {
        data: { option: 'maxBytes', value: maxBytes },
      },
    );
  }
  if (typeof path !== 'string' || path === '') {
    throw unreadable(String(path), 'the path must be a non-empty string');
  }
  const bytes = await readCapped(path, maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw policyInvalidError([{ path: '', message: 'is not valid UTF-8 text' }], {
      source: path,
      cause: error,
    });
  }
  return parsePolicyToml(text, { ...options, source: options.source ?? path });
}
