// Security policy cost per dispatch: registry.dispatch with the security
// guard (lockdown, per-tool switch, RBAC for the caller, input size cap,
// secret scan) and the URL and path checks a file or HTTP tool makes, against
// the same dispatch with no policy, in the same process. Target: the whole
// check adds under 2 µs to a dispatch with a cached policy.
import {
  checkPath,
  checkUrl,
  createRbac,
  createSecurityGuard,
  createToolRegistry,
  DEFAULT_POLICY,
  parsePolicy,
} from 'skreaver';
import { fmt, machine, median, table } from './_stats.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const tool = {
  name: 'fetch_page',
  description: 'Reads a page (the bench only echoes the URL)',
  inputSchema: {
    type: 'object',
    properties: { url: { type: 'string' }, path: { type: 'string' } },
    required: ['url', 'path'],
  },
  call: ({ url }) => url.length,
};
const policy = parsePolicy({
  http: { enabled: true, allowDomains: ['*.example.com'] },
  fs: { enabled: true, allowPaths: ['/srv/data'] },
});
const rbac = createRbac({ roles: { agent: { tools: { allow: ['fetch_*'] } } } });
const principal = { id: 'user-1', roles: ['agent'] };
const input = { url: 'https://api.example.com/v1/items?page=2', path: '/srv/data/reports/q3.json' };
const call = { name: 'fetch_page', input };
const ctx = { principal };

const plainRegistry = createToolRegistry();
plainRegistry.register(tool);

// Audit off: the figure is the checks' cost; an audit sink's I/O is the sink's.
const guard = createSecurityGuard({
  policy: parsePolicy({ ...policy, audit: { enabled: false } }),
  checkAccess: rbac.checkTool,
});
const guardedTool = {
  ...tool,
  // What a file or HTTP tool does with the policy before touching anything.
  call: (i) => {
    const url = checkUrl(i.url, policy);
    const path = checkPath(i.path, policy.fs);
    if (!url.ok) throw url.error;
    if (!path.ok) throw path.error;
    return i.url.length;
  },
};
const guardedRegistry = createToolRegistry({ policies: [guard.hook] });
guardedRegistry.register(guardedTool);

async function time(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await fn();
  return Number(process.hrtime.bigint() - start) / CALLS;
}

async function check(registry) {
  const result = await registry.dispatch(call, ctx);
  if (!result.ok) throw new Error(`dispatch failed: ${result.error.message}`);
}

export async function run() {
  await check(plainRegistry);
  await check(guardedRegistry);
  const denied = await guardedRegistry.dispatch(call, { principal: { id: 'x', roles: [] } });
  if (denied.ok) throw new Error('a principal without roles must be denied');
  if (DEFAULT_POLICY.http.enabled) throw new Error('the default policy must keep HTTP off');
  const plain = [];
  const guarded = [];
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await time(() => plainRegistry.dispatch(call, ctx)));
    guarded.push(await time(() => guardedRegistry.dispatch(call, ctx)));
  }
  const base = median(plain);
  const full = median(guarded);
  return { plainNs: base, guardedNs: full, addedNs: full - base, ratio: full / base };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.log(`security policy per dispatch, ${CALLS} calls x ${ROUNDS} rounds, ${machine()}`);
  table([
    ['case', 'median ns/call'],
    ['dispatch, no policy (baseline)', fmt(r.plainNs, 1)],
    ['dispatch + guard + RBAC + URL and path checks', fmt(r.guardedNs, 1)],
    ['added by the policy (target < 2000)', fmt(r.addedNs, 1)],
    ['ratio guarded/baseline', fmt(r.ratio)],
  ]);
  await plainRegistry.close();
  await guardedRegistry.close();
}
