/**
 * Host names that reach cloud metadata services without any DNS lookup of
 * ours mattering (the cloud's resolver answers them). Refused like the
 * metadata addresses, even when private networks are allowed.
 */
export const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.azure.internal',
]);

/** Names that resolve to the loopback interface on common systems (besides `*.localhost`). */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set([
  'localhost',
  'localhost.localdomain',
  'ip6-localhost',
  'ip6-loopback',
]);

/**
 * Whether a normalised host name (lower-case, no trailing dot) names the
 * local machine: `localhost`, any `*.localhost` (RFC 6761 reserves them for
 * loopback), and the usual `/etc/hosts` aliases.
 */
export function isLoopbackName(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || host.endsWith('.localhost');
}
