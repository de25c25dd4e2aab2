import type { SecurityError } from '../../errors/families.js';
import type { Result } from '../../result.js';
import type { HttpPolicy } from '../policy/policy.js';
import { shorten, urlDenied } from './_errors.js';
import type { UrlDeniedData, UrlDeniedReason } from './denials.js';
import { formatIp, type IpAddress, parseIp } from './ip-address.js';
import { classifyIp, type IpCategory, type IpClassification } from './ip-classify.js';

/** Categories `http.allowPrivateNetworks` opens; every other non-public one stays closed. */
const PRIVATE_CATEGORIES: ReadonlySet<IpCategory> = new Set<IpCategory>([
  'loopback',
  'private',
  'link-local',
  'cgnat',
  'unique-local',
]);

/**
 * The refusal reason for an address category, or `undefined` when the
 * category may be called. Metadata is refused even with private networks
 * allowed: it hands out cloud credentials.
 */
export function addressDenial(
  category: IpCategory,
  allowPrivateNetworks: boolean,
): UrlDeniedReason | undefined {
  if (category === 'public') return undefined;
  if (category === 'metadata') return 'metadata_address';
  if (PRIVATE_CATEGORIES.has(category)) return allowPrivateNetworks ? undefined : 'private_address';
  return 'reserved_address';
}

const EXPLAIN: Partial<Record<UrlDeniedReason, string>> = {
  metadata_address: 'it is a cloud metadata endpoint, which is never allowed',
  private_address:
    'it is not a public address; set http.allowPrivateNetworks to call local and private networks',
  reserved_address: 'it is not a routable unicast address, which is never allowed',
};

/** The error for a refused address. */
export function addressDenied(
  reason: UrlDeniedReason,
  address: string,
  category: IpCategory,
  context: { readonly url?: string; readonly host?: string; readonly port?: number } = {},
): SecurityError<UrlDeniedData> {
  const where = context.host !== undefined && context.host !== address ? ` (${context.host})` : '';
  return urlDenied(`Address ${address}${where} is refused: ${EXPLAIN[reason]} (${category}).`, {
    reason,
    address,
    category,
    ...context,
  });
}

/**
 * Checks one resolved address against the HTTP policy's address rules: public
 * addresses pass; loopback, private, link-local, CGNAT and unique-local ones
 * pass only with `allowPrivateNetworks`; metadata, unspecified, multicast,
 * broadcast, documentation and reserved ones never pass. IPv6 forms that
 * embed an IPv4 address are judged by the embedded address.
 *
 * This is what the DNS-pinned fetch calls for every address a host resolves
 * to; tools that resolve names themselves should call it too.
 *
 * @returns the classification, or a `url_denied` error with reason
 * `private_address`, `metadata_address`, `reserved_address` or
 * `invalid_address`.
 *
 * @example
 * ```ts
 * const verdict = checkAddress('10.0.0.7', policy.http);
 * if (!verdict.ok) console.log(verdict.error.data?.reason); // 'private_address'
 * ```
 */
export function checkAddress(
  address: string | IpAddress,
  http: Pick<HttpPolicy, 'allowPrivateNetworks'>,
): Result<IpClassification, SecurityError<UrlDeniedData>> {
  const parsed = typeof address === 'string' ? parseIp(address) : address;
  if (parsed === undefined) {
    const shown = shorten(String(address));
    return {
      ok: false,
      error: urlDenied(`'${shown}' is not an IP address (zone ids are refused).`, {
        reason: 'invalid_address',
        address: shown,
      }),
    };
  }
  const classification = classifyIp(parsed) as IpClassification;
  const reason = addressDenial(classification.category, http.allowPrivateNetworks === true);
  if (reason === undefined) return { ok: true, value: classification };
  return {
    ok: false,
    error: addressDenied(reason, formatIp(parsed), classification.category),
  };
}
