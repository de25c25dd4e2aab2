// Tool dispatch overhead: registry.dispatch (name lookup, JSON Schema check,
// no policy hooks, no-op metrics and tracer, output check) against calling
// the same tool as a plain async function, in the same process.
import { createToolRegistry } from 'skreaver';
import { fmt, machine, median, table } from './_stats.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const tool = {
  name: 'add',
  description: 'Adds two numbers',
  inputSchema: {
    type: 'object',
    properties: { a: { type: 'number' }, b: { type: 'number' } },
    required: ['a', 'b'],
  },
  call: ({ a, b }) => a + b,
};
const registry = createToolRegistry();
registry.register(tool);
const input = { a: 1, b: 2 };
const call = { name: 'add', input };
const plain = async (i) => tool.call(i);

async function time(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await fn();
  return Number(process.hrtime.bigint() - start) / CALLS;
}

export async function run() {
  const baseline = [];
  const dispatch = [];
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(await time(() => plain(input)));
    const result = await registry.dispatch(call);
    if (!result.ok || result.output !== 3)
      throw new Error(`dispatch returned ${JSON.stringify(result)}`);
    dispatch.push(await time(() => registry.dispatch(call)));
  }
  const base = median(baseline);
  const disp = median(dispatch);
  return { baselineNs: base, dispatchNs: disp, overheadNs: disp - base, ratio: disp / base };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.log(`tool dispatch, ${CALLS} calls x ${ROUNDS} rounds, ${machine()}`);
  table([
    ['case', 'median ns/call'],
    ['plain async function (baseline)', fmt(r.baselineNs, 1)],
    ['registry.dispatch', fmt(r.dispatchNs, 1)],
    ['overhead', fmt(r.overheadNs, 1)],
    ['ratio dispatch/baseline', fmt(r.ratio)],
  ]);
  await registry.close();
}
