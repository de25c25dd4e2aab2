import {
  absolutePath,
  bool,
  contentType,
  domainPattern,
  envPrefix,
  glob,
  integer,
  method,
  oneOf,
  port,
  type Rule,
  regexSource,
  text,
  toolGlob,
} from './_rules.js';
import type { SecurityPolicy } from './policy.js';
import { POLICY_LIMITS } from './policy-limits.js';

/** How one field is checked: a single value, or a capped list of values. */
export type FieldSpec =
  | { readonly list: false; readonly rule: Rule }
  | { readonly list: true; readonly rule: Rule; readonly max: number };

const one = (rule: Rule): FieldSpec => ({ list: false, rule });
const many = (rule: Rule, max: number = POLICY_LIMITS.maxListLength): FieldSpec => ({
  list: true,
  rule,
  max,
});

const L = POLICY_LIMITS;
const ms = integer(L.timeoutMs, 'milliseconds');

/** The sections of a policy other than `tools`. */
export type SectionName = Exclude<keyof SecurityPolicy, 'tools'>;

/** Every field of every section, with how it is checked. */
export const SECTIONS: { readonly [S in SectionName]: Readonly<Record<string, FieldSpec>> } = {
  fs: {
    enabled: one(bool),
    allowPaths: many(absolutePath),
    denyPatterns: many(glob),
    followSymlinks: one(bool),
    maxFileSize: one(integer(L.fileSize, 'bytes')),
    maxFilesPerOperation: one(integer(L.filesPerOperation)),
  },
  http: {
    enabled: one(bool),
    allowDomains: many(domainPattern),
    denyDomains: many(domainPattern),
    allowPrivateNetworks: one(bool),
    allowUserinfo: one(bool),
    allowMethods: many(method),
    allowPorts: many(port),
    allowContentTypes: many(contentType),
    timeoutMs: one(ms),
    maxResponseBytes: one(integer(L.responseBytes, 'bytes')),
    maxRedirects: one(integer(L.redirects)),
    userAgent: one(text(L.headerText)),
  },
  network: {
    enabled: one(bool),
    allowPorts: many(port),
    denyPorts: many(port),
  },
  resources: {
    timeoutMs: one(ms),
    maxConcurrentPerTool: one(integer(L.concurrency)),
    maxConcurrent: one(integer(L.concurrency)),
    maxInputBytes: one(integer(L.payloadBytes, 'bytes')),
    maxOutputBytes: one(integer(L.payloadBytes, 'bytes')),
    maxMemoryMb: one(integer(L.memoryMb, 'MiB')),
  },
  audit: {
    enabled: one(bool),
    logAllowed: one(bool),
    redactSecrets: one(bool),
    level: one(oneOf(['debug', 'info', 'warning', 'error', 'critical'])),
  },
  secrets: {
    onInput: one(oneOf(['reject', 'redact', 'allow'])),
    onOutput: one(oneOf(['reject', 'redact', 'allow'])),
    extraPatterns: many(regexSource, L.maxExtraPatterns),
    envPrefix: one(envPrefix),
  },
  emergency: {
    lockdown: one(bool),
    allowedTools: many(toolGlob),
    securityContact: one(text(L.headerText)),
  },
};

/** Section names in document order. */
export const SECTION_NAMES = Object.keys(SECTIONS) as readonly SectionName[];

/** Sections a per-tool override may narrow or replace. */
export const OVERRIDE_SECTIONS = ['fs', 'http', 'network', 'resources', 'secrets'] as const;

/** Keys a per-tool override may hold. */
export const OVERRIDE_KEYS: readonly string[] = ['enabled', ...OVERRIDE_SECTIONS];

/** Top-level keys of a policy. */
export const POLICY_KEYS: readonly string[] = [...SECTION_NAMES, 'tools'];
