// `npm run bench:spike-propagation`: dense matmul(S, W, transB) against the
// event-driven path (spikeCompact + spikePropagate) for the input currents of
// a spiking 784-256-10 network, T = 25 steps of a 128 batch (R = 3200 rows),
// over firing densities. Prints a markdown table and the crossover per layer;
// prefersEventDriven (src/engine/kernels/spike-propagation.ts) is fitted to it.
// BENCH_ITERATIONS and BENCH_REPEATS override the counts below. The script runs
// through Vite's module runner (runnerImport): the kernels import WGSL with `?raw`.
import { type Dispatch, encodeDispatches } from '../src/engine/device/dispatch';
import { GpuContext } from '../src/engine/device/gpu-context';
import { nodeGpu } from '../src/engine/device/node-gpu';
import { matmul } from '../src/engine/kernels/matmul';
import { prefersEventDriven, spikeCompact, spikePropagate } from '../src/engine/kernels/spike-propagation';

const ROWS = 25 * 128;
const LAYERS = [
  [784, 256],
  [256, 10],
] as const;
const DENSITIES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5];
// Dispatches per submit, and submits timed (the best one counts: the machine is shared).
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

/** Deterministic Bernoulli(density) 0/1 spikes (mulberry32). */
function spikes(n: number, density: number, seed: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 < density ? 1 : 0;
  }
  return out;
}

/** Milliseconds per iteration of `dispatches`: ITERATIONS copies per submit, best of REPEATS. */
async function time(ctx: GpuContext, dispatches: readonly Dispatch[]): Promise<number> {
  const submit = async () => {
    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (let i = 0; i < ITERATIONS; i++) encodeDispatches(pass, dispatches);
    pass.end();
    ctx.device.queue.submit([encoder.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
  };
  await submit(); // warm-up: pipelines, first-touch of the buffers
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    await submit();
    best = Math.min(best, (performance.now() - t0) / ITERATIONS);
  }
  ctx.throwIfFailed();
  return best;
}

const ctx = await GpuContext.create(nodeGpu());
console.log(`spike propagation, R = ${ROWS} rows, ${ITERATIONS} iterations per submit, best of ${REPEATS}; ${ctx.adapterName}\n`);
console.log('| layer | density | dense ms | compact ms | propagate ms | event ms | event / dense | policy |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [nIn, nOut] of LAYERS) {
  const W = ctx.buffers.createWithData('bench.W', Float32Array.from({ length: nOut * nIn }, (_, i) => Math.sin(i)));
  const bias = ctx.buffers.createWithData('bench.bias', new Float32Array(nOut).fill(0.1));
  const S = ctx.buffers.storage('bench.S', ROWS * nIn);
  const events = ctx.buffers.storage('bench.events', ROWS * nIn);
  const count = ctx.buffers.storage('bench.count', ROWS);
  const I = ctx.buffers.storage('bench.I', ROWS * nOut);
  const E = ctx.buffers.storage('bench.E', ROWS * nOut);
  const dense = await matmul(ctx, { M: ROWS, N: nOut, K: nIn, A: S, B: W, C: I, transB: true, epilogue: { kind: 'bias-act', bias, act: 'identity', activations: E } });
  const compact = await spikeCompact(ctx, { S, active: events, count, rows: ROWS, cols: nIn });
  const propagate = await spikePropagate(ctx, { W, active: events, count, S, bias, I, rows: ROWS, nIn, nOut });
  let crossover: number | null = null;
  for (const density of DENSITIES) {
    ctx.device.queue.writeBuffer(S, 0, spikes(ROWS * nIn, density, 17));
    const tDense = await time(ctx, [dense]);
    // Timing the compaction leaves its lists in place for the propagation.
    const tCompact = await time(ctx, [compact]);
    const tPropagate = await time(ctx, [propagate]);
    const tEvent = tCompact + tPropagate;
    if (tEvent < tDense) crossover = density;
    const policy = prefersEventDriven(density, nIn, nOut) ? 'event' : 'dense';
    console.log(`| ${nIn}->${nOut} | ${density} | ${tDense.toFixed(2)} | ${tCompact.toFixed(2)} | ${tPropagate.toFixed(2)} | ${tEvent.toFixed(2)} | ${(tEvent / tDense).toFixed(2)} | ${policy} |`);
  }
  console.log(`\n${nIn}->${nOut}: event-driven is faster up to density ${crossover ?? 'none measured'}\n`);
  for (const b of [W, bias, S, events, count, I, E]) ctx.buffers.destroy(b);
}
ctx.destroy();
