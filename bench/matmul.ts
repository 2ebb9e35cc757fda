// `npm run bench:matmul`: GFLOP/s of matmul (src/engine/kernels/matmul.ts) on
// 1024^3 and on the products of a 784-256-256-10 MLP trained at batch 128 and
// 1024, and writes bench/results/matmul.md and .json with the adapter it ran on.
//
// Per shape it times what callers get ("auto") and every kernel variant that
// can take the shape, forced; and, when the adapter offers 'subgroups', "auto"
// on a second device that has that feature (GpuContext.create does not ask for
// it). Each time records ITERATIONS copies of one dispatch into one compute
// pass, submits it and waits with onSubmittedWorkDone; it is the pass's
// timestamp-query span when the adapter offers 'timestamp-query', else the
// wall clock of the submit. The candidates of a shape take turns for REPEATS
// rounds and the best round of each counts (the machine is shared).
// ITERATIONS is chosen per shape so that one submit does about BENCH_GFLOP GFLOP.
//
// Options (after `--`): `--as NAME` files this run under NAME in the .json
// (default "current"; "baseline" is the run recorded before issue #5's
// kernels), `--variants a,b` the variants to force (default: all),
// `--shapes substr` only the shapes whose name contains substr (merged into
// the run of that name), `--out DIR` where matmul.md and .json go (default
// bench/results; an existing matmul.json there is merged into), and
// `--peak-gflops N` the device's fp32 peak, recorded with the run. A run named
// "gpu" on a hardware adapter fills the table's real-GPU column (scripts/gpu-bench.sh).
// Environment: BENCH_REPEATS (5), BENCH_GFLOP (1).
// The script runs through Vite's module runner (runnerImport), or as
// dist-cli/bench-matmul.js (npm run build:cli): the kernels import WGSL with `?raw`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from '../src/cli/package-root';
import { GpuContext } from '../src/engine/device/gpu-context';
import type { Dispatch } from '../src/engine/device/dispatch';
import { nodeGpu } from '../src/engine/device/node-gpu';
import { isSoftwareAdapter, MATMUL_VARIANTS, matmulFlops, type MatmulVariant, variantUnsupported } from '../src/engine/kernels/matmul';
import { BENCH_SHAPES, type EpilogueName, productDispatch, type Shape, Timer, withFeatures } from './matmul-timing';

if (process.argv.includes('--help')) {
  console.log(
    'Usage: npm run bench:matmul -- [--as NAME] [--variants a,b] [--shapes substr] [--out DIR] [--peak-gflops N]\n' +
      '  (or: node dist-cli/bench-matmul.js ...). Times matmul on 1024^3 and a 784-256-256-10 MLP\'s products;\n' +
      '  writes DIR/matmul.md and .json (default bench/results). A run named "gpu" fills the real-GPU column.',
  );
  process.exit(0);
}

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const GFLOP_PER_SUBMIT = Number(process.env.BENCH_GFLOP ?? 1);
const RESULTS = pathToFileURL(`${resolve(option('out') ?? join(packageRoot(), 'bench', 'results'))}/`);
const PEAK_GFLOPS = option('peak-gflops') === undefined ? undefined : Number(option('peak-gflops'));
if (PEAK_GFLOPS !== undefined && !(PEAK_GFLOPS > 0)) throw new Error(`--peak-gflops must be a positive number of GFLOP/s (got ${option('peak-gflops')})`);

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const SHAPES: Shape[] = BENCH_SHAPES.filter((s) => s.name.includes(option('shapes') ?? ''));

interface Row {
  shape: string;
  M: number;
  N: number;
  K: number;
  op: string;
  epilogue: EpilogueName;
  /** 'auto' (the engine's device, as callers get it), a forced variant, or AUTO_SUBGROUPS. */
  variant: string;
  /** The kernel 'auto' ran. */
  chosen?: string;
  ms: number;
  gflops: number;
}

/** 'auto' on a device that has the 'subgroups' feature (GpuContext does not ask for it yet). */
const AUTO_SUBGROUPS = 'auto, subgroups on';

const engineCtx = await GpuContext.create(withFeatures(nodeGpu(), ['timestamp-query']));
// A second device with 'subgroups', when the adapter offers it: the subgroup kernel needs it.
const sgCtx = await GpuContext.create(withFeatures(nodeGpu(), ['timestamp-query', 'subgroups']));
const hasSubgroups = sgCtx.device.features.has('subgroups');
const timers = new Map([engineCtx, sgCtx].map((c) => [c, new Timer(c)]));
const forced = (option('variants')?.split(',').filter(Boolean) ?? [...MATMUL_VARIANTS]) as MatmulVariant[];
const ctx = engineCtx;
const loadAtStart = loadavg()[0];

const as = option('as') ?? 'current';
if (as === 'gpu' && isSoftwareAdapter(ctx.adapter)) throw new Error(`run "gpu" is the real-GPU column, and this adapter (${ctx.adapterName}) is a software one`);
console.log(`matmul on ${ctx.adapterName}; ${timers.get(ctx)!.timestamps ? 'timestamp queries' : 'wall clock'}, best of ${REPEATS} interleaved rounds`);
const rows: Row[] = [];
for (const s of SHAPES) {
  const { M, N, K } = s;
  const op = `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`;
  const flops = matmulFlops(M, N, K);
  const iterations = Math.max(1, Math.round((GFLOP_PER_SUBMIT * 1e9) / flops));
  // Every candidate of this shape, each with its own buffers on its device.
  const candidates: { variant: string; ctx: GpuContext; d: Dispatch; chosen?: string; buffers: GPUBuffer[]; best: number }[] = [];
  const build = async (c: GpuContext, variant: string, force: MatmulVariant | 'auto') => {
    const { d, chosen, buffers } = await productDispatch(c, s, force, `bench.${variant}`);
    candidates.push({ variant, ctx: c, d, ...(chosen ? { chosen } : {}), buffers, best: Infinity });
  };
  await build(engineCtx, 'auto', 'auto');
  for (const v of forced) if (!variantUnsupported(engineCtx, s, v)) await build(engineCtx, v, v);
  if (hasSubgroups) {
    await build(sgCtx, AUTO_SUBGROUPS, 'auto');
    if (forced.includes('subgroup') && !variantUnsupported(sgCtx, s, 'subgroup')) await build(sgCtx, 'subgroup', 'subgroup');
  }
  // Warm-up (pipelines, first touch), then interleaved rounds: each round times every
  // candidate once, so a burst of load on the shared machine hits them alike.
  for (const c of candidates) await timers.get(c.ctx)!.time(c.d, 1);
  for (let r = 0; r < REPEATS; r++) {
    for (const c of candidates) c.best = Math.min(c.best, await timers.get(c.ctx)!.time(c.d, iterations));
  }
  for (const c of candidates) {
    const gflops = flops / (c.best * 1e6);
    rows.push({ shape: s.name, M, N, K, op, epilogue: s.epilogue, variant: c.variant, ...(c.chosen ? { chosen: c.chosen } : {}), ms: c.best, gflops });
    console.log(
      `${s.name.padEnd(24)} ${`${M}x${N}x${K}`.padEnd(15)} ${op} ${`${c.variant}${c.chosen ? ` (${c.chosen})` : ''}`.padEnd(30)} ${c.best.toFixed(3).padStart(9)} ms ${gflops.toFixed(2).padStart(7)} GFLOP/s`,
    );
    for (const b of c.buffers) c.ctx.buffers.destroy(b);
  }
}
for (const t of timers.values()) t.destroy();

// ---- report -------------------------------------------------------------

interface Run {
  date: string;
  adapter: GpuContext['adapter'];
  timing: string;
  /** Whether the adapter offered 'subgroups' (AUTO_SUBGROUPS rows exist). */
  subgroups?: boolean;
  /** The machine's 1-minute load average when the run started (a software adapter shares the CPU). */
  load?: number;
  /** The device's fp32 peak, where given (--peak-gflops). */
  peakGflops?: number;
  rows: Row[];
}
interface Report {
  runs: Record<string, Run>;
}

mkdirSync(RESULTS, { recursive: true });
const jsonPath = new URL('matmul.json', RESULTS);
const report: Report = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Report) : { runs: {} };
const run: Run = {
  date: new Date().toISOString(),
  adapter: ctx.adapter,
  timing: timers.get(ctx)!.timestamps ? 'timestamp-query' : 'wall clock',
  subgroups: hasSubgroups,
  load: Math.round(loadAtStart * 100) / 100,
  ...(PEAK_GFLOPS !== undefined ? { peakGflops: PEAK_GFLOPS } : {}),
  rows,
};
// A partial run (--shapes) replaces only the rows it measured.
const before = report.runs[as];
if (before && option('shapes')) run.rows = [...before.rows.filter((r) => !rows.some((n) => n.shape === r.shape)), ...rows];
report.runs[as] = run;
writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(new URL('matmul.md', RESULTS), markdown(report, as));
console.log(`\nwrote ${fileURLToPath(new URL('matmul.md', RESULTS))} and .json (run "${as}")`);
engineCtx.destroy();
sgCtx.destroy();

function markdown(r: Report, latest: string): string {
  const out: string[] = ['# matmul GFLOP/s', ''];
  out.push('Written by `npm run bench:matmul` (bench/matmul.ts). GFLOP/s = 2·M·N·K / time of one dispatch; each time is');
  out.push('the best of several submits of many dispatches, timed with timestamp queries where the adapter has them, the');
  out.push('candidates of a shape interleaved round by round. Shapes: 1024³, and the products of a 784-256-256-10 MLP at');
  out.push('batch b: forward X·Wᵀ (M=b, K=784, N=256), backward dX through a transposed operand (M=b, K=256, N=784),');
  out.push('dW = dYᵀ·X (M=256, K=b, N=784), and the output layer (M=b, K=256, N=10).');
  out.push('');
  for (const [name, x] of Object.entries(r.runs)) {
    const a = x.adapter;
    const load = x.load === undefined ? 'load average not recorded' : `load average ${x.load} at the start`;
    out.push(`- run "${name}": ${x.date.slice(0, 16).replace('T', ' ')} UTC, ${a.description || '?'} (vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}, device ${a.device || '?'}), ${x.timing}, ${load}`);
  }
  out.push('');
  const base = r.runs.baseline;
  const cur = latest !== 'baseline' ? r.runs[latest] : undefined;
  const gpu = r.runs.gpu;
  const find = (x: Run | undefined, shape: string, variant: string) => x?.rows.find((y) => y.shape === shape && y.variant === variant);
  const onGpu = (shape: string) => {
    const y = find(gpu, shape, 'auto');
    if (!gpu) return 'not measured: no GPU lent to this session';
    if (!y) return 'not run';
    const peak = gpu.peakGflops ? `, ${((100 * y.gflops) / gpu.peakGflops).toFixed(0)}% of peak` : '';
    return `${y.gflops.toFixed(0)} (${y.chosen}${peak})`;
  };
  const f = (y: Row | undefined) => (y ? y.gflops.toFixed(2) : '');
  const ratio = (a: Row | undefined, b: Row | undefined) => (a && b ? `${(a.gflops / b.gflops).toFixed(2)}×` : '');
  const shapes = [...new Set([...(base?.rows ?? []), ...(cur?.rows ?? [])].map((y) => y.shape))];
  out.push('## Before and after, lavapipe (GFLOP/s)', '');
  out.push('"baseline": the 4×4 kernel before issue #5, recorded first. "scalar": that same kernel (still the fallback),');
  out.push('timed again in this run, so "auto / scalar" compares two numbers from one run. "auto": what `matmul` callers get');
  out.push("on a device without the 'subgroups' feature (as on adapters that lack it); \"auto, subgroups on\": on the engine's");
  out.push("device where the adapter has 'subgroups', which `GpuContext.create` requests (lavapipe). The machine is shared, so numbers from");
  out.push('different runs differ with its load; compare within a run. "real GPU": run "gpu" on a hardware adapter');
  out.push('(scripts/gpu-bench.sh): GFLOP/s of "auto", its kernel, and the share of the fp32 peak given with --peak-gflops');
  out.push('(the target: at least 40% on 1024³).');
  out.push('');
  out.push('| shape | M×N×K | op | epilogue | baseline | scalar, this run | after: auto | kernel | auto / scalar | auto, subgroups on | kernel | subgroups on / scalar | real GPU |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const shape of shapes) {
    const b = find(base, shape, 'auto');
    const sc = find(cur, shape, 'scalar');
    const au = find(cur, shape, 'auto');
    const sg = find(cur, shape, AUTO_SUBGROUPS);
    const x = (b ?? au ?? sc)!;
    out.push(
      `| ${shape} | ${x.M}×${x.N}×${x.K} | ${x.op} | ${x.epilogue} | ${f(b)} | ${f(sc)} | ${f(au)} | ${au?.chosen ?? ''} | ${ratio(au, sc)} | ${f(sg)} | ${sg?.chosen ?? ''} | ${ratio(sg, sc)} | ${onGpu(shape)} |`,
    );
  }
  if (cur) {
    const vs = [...new Set(cur.rows.map((y) => y.variant))];
    out.push('', `## Every kernel, run "${latest}" (GFLOP/s; empty: the kernel cannot take that shape or device)`, '');
    out.push('tiled and splitk are the kernels for hardware GPUs (workgroup memory); on lavapipe they are timed only to show');
    out.push('why the software adapter gets the register-blocked kernels.', '');
    out.push(`| shape | ${vs.join(' | ')} |`);
    out.push(`|---|${vs.map(() => '---').join('|')}|`);
    for (const shape of shapes) out.push(`| ${shape} | ${vs.map((v) => f(find(cur, shape, v))).join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}
