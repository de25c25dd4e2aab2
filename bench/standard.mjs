// The standard benchmark: 32 agents stepping concurrently, each step two
// rounds of trivial tool calls plus memory writes, 10,000 steps in all.
// Baseline: the same agent logic driven by a hand-written loop that calls the
// tools as plain functions and writes to a Map, in the same process.
import { createCoordinator, createToolRegistry, inMemoryMemory } from 'skreaver';
import { fmt, machine, percentile, table } from './_stats.mjs';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 32);
const STEPS = Number(process.env.BENCH_STEPS ?? 10_000);

const tools = [
  {
    name: 'add',
    description: 'Adds two numbers',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
    call: ({ a, b }) => a + b,
  },
  {
    name: 'upper',
    description: 'Upper-cases text',
    inputSchema: { type: 'string' },
    call: (text) => text.toUpperCase(),
  },
];

function benchAgent() {
  let input = '';
  let round = 0;
  let sum = 0;
  let upper = '';
  return {
    async observe(observation, ctx) {
      input = observation;
      round = 0;
      await ctx.memory.store('last_input', input);
    },
    callTools() {
      round++;
      if (round === 1)
        return [
          { name: 'add', input: { a: input.length, b: 1 } },
          { name: 'upper', input },
        ];
      if (round === 2) return [{ name: 'upper', input: `${input}!` }];
      return [];
    },
    async handleResult({ call, result }, ctx) {
      if (!result.ok) throw result.error;
      if (call.name === 'add') sum = result.output;
      else upper = result.output;
      await ctx.memory.store(`result.${call.name}`, String(result.output));
    },
    act() {
      return `${upper}:${sum}`;
    },
  };
}

async function drive(stepOnce) {
  const latencies = new Float64Array(STEPS);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: AGENTS }, async (_, agent) => {
      for (let i = next++; i < STEPS; i = next++) {
        const t0 = process.hrtime.bigint();
        await stepOnce(agent, `input ${i}`);
        latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }),
  );
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    throughput: (STEPS / elapsedMs) * 1000,
  };
}

/** The baseline: the same agents, tools called as plain functions, memory in a Map per agent. */
function baseline() {
  const memories = Array.from({ length: AGENTS }, () => new Map());
  const byName = new Map(tools.map((t) => [t.name, t]));
  const agents = Array.from({ length: AGENTS }, benchAgent);
  return {
    async step(n, observation) {
      const memory = memories[n];
      const ctx = { memory: { store: async (k, v) => void memory.set(k, v) } };
      const agent = agents[n];
      await agent.observe(observation, ctx);
      for (let calls = agent.callTools(); calls.length > 0; calls = agent.callTools()) {
        const results = await Promise.all(
          calls.map(async (call) => ({
            ok: true,
            output: await byName.get(call.name).call(call.input),
          })),
        );
        for (const [i, result] of results.entries())
          await agent.handleResult({ call: calls[i], result }, ctx);
      }
      return agent.act();
    },
    async close() {},
  };
}

/** skreaver: a registry, a coordinator with the default namespaced in-memory memory, 32 agents. */
async function skreaver() {
  const registry = createToolRegistry();
  for (const tool of tools) registry.register(tool);
  const coordinator = createCoordinator({ registry, memory: inMemoryMemory() });
  const ids = Array.from({ length: AGENTS }, (_, n) => `agent-${n}`);
  for (const id of ids) await coordinator.add(id, benchAgent());
  return {
    step: (n, observation) => coordinator.step(ids[n], observation),
    async close() {
      await coordinator.close();
      await registry.close();
    },
  };
}

export async function run() {
  // Each side is set up once and warmed up by a full run on the instances it
  // is then measured on (JIT, inline caches, heap sizing), as a long-lived
  // coordinator would be; then the baseline, then skreaver, are measured.
  const plain = baseline();
  const skr = await skreaver();
  await drive(plain.step);
  await drive(skr.step);
  const base = await drive(plain.step);
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  const measured = await drive(skr.step);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  await skr.close();
  await plain.close();
  return {
    base,
    skr: measured,
    peakRssMb: peakRss / 2 ** 20,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { base, skr, peakRssMb, maxRssMb } = await run();
  console.log(`standard benchmark: ${AGENTS} agents, ${STEPS} steps, ${machine()}`);
  table([
    ['metric', 'skreaver', 'baseline (plain loop)', 'ratio'],
    ['p50 step ms', fmt(skr.p50, 4), fmt(base.p50, 4), fmt(skr.p50 / base.p50)],
    ['p95 step ms', fmt(skr.p95, 4), fmt(base.p95, 4), fmt(skr.p95 / base.p95)],
    ['p99 step ms', fmt(skr.p99, 4), fmt(base.p99, 4), fmt(skr.p99 / base.p99)],
    [
      'steps/s',
      fmt(skr.throughput, 0),
      fmt(base.throughput, 0),
      fmt(skr.throughput / base.throughput),
    ],
    ['peak RSS MB (process)', fmt(peakRssMb, 1), '', ''],
    ['max RSS MB (getrusage)', fmt(maxRssMb, 1), '', ''],
  ]);
}
