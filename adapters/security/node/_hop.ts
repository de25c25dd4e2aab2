import type { IncomingMessage } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedUrl } from 'skreaver';
import { tooLarge } from './_fetch-errors.js';
import type { ResolvedAddress } from './safe-fetch-options.js';

/**
 * A `lookup` for `net.connect` that answers only `host`, only with the
 * addresses already checked, so the socket goes where the check looked and
 * no second DNS query (which a rebinding server would answer differently)
 * ever happens.
 */
export function pinnedLookup(host: string, addresses: readonly ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const wanted =
      options.family === 4 || options.family === 'IPv4'
        ? 4
        : options.family === 6 || options.family === 'IPv6'
          ? 6
          : 0;
    const usable = addresses.filter((entry) => wanted === 0 || entry.family === wanted);
    const first = usable[0];
    process.nextTick(() => {
      if (hostname !== host || first === undefined) {
        const error = Object.assign(
          new Error(`getaddrinfo ENOTFOUND ${hostname} (not a checked address)`),
          {
            code: 'ENOTFOUND',
          },
        );
        callback(error, '', 0);
      } else if (options.all === true) {
        callback(
          null,
          usable.map((entry) => ({ address: entry.address, family: entry.family })),
        );
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

/** What one hop sends. */
export interface Hop {
  readonly target: CheckedUrl;
  readonly addresses: readonly ResolvedAddress[];
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | null;
  readonly signal: AbortSignal;
}

/** Sends one request; resolves with the response head. */
export function sendHop(hop: Hop): Promise<IncomingMessage> {
  const url = hop.target.url;
  const secure = url.protocol === 'https:';
  const options: https.RequestOptions = {
    protocol: url.protocol,
    hostname: hop.target.hostname,
    port: hop.target.port,
    path: `${url.pathname}${url.search}`,
    method: hop.method,
    headers:
      hop.body === null
        ? hop.headers
        : { ...hop.headers, 'content-length': String(Buffer.byteLength(hop.body)) },
    lookup: pinnedLookup(hop.target.hostname, hop.addresses),
    // A fresh connection per request: a pooled socket could predate the check.
    agent: false,
    signal: hop.signal,
  };
  if (secure && hop.target.address === undefined) options.servername = hop.target.hostname;
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(options, resolve);
    request.on('error', reject);
    request.end(hop.body ?? undefined);
  });
}

/**
 * Reads a response body, counting bytes as they arrive and destroying the
 * stream the moment `limit` is passed (a declared Content-Length over the
 * limit fails before reading anything).
 */
export function readBody(response: IncomingMessage, limit: number, url: string): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    response.destroy();
    return Promise.reject(tooLarge(url, limit, declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    response.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > limit) {
        settled = true;
        response.destroy();
        reject(tooLarge(url, limit, received));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, received));
    });
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    response.on('error', fail);
    response.on('aborted', () =>
      fail(
        Object.assign(new Error('The connection closed before the body ended.'), {
          code: 'ECONNRESET',
        }),
      ),
    );
  });
}
