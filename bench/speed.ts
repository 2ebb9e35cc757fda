// `npm run bench:speed`: how fast the engine trains in Node (Dawn), written to
// bench/results/speed.md and speed.json with the adapter's description:
//   - training samples per second per rule, for the 784-256-256-10 MLP at
//     batch 128 and 1024, with the dispatches each step records and the GPU
//     memory each configuration holds;
//   - kernel GFLOP/s of the MLP's matrix products and of 1024³, through the
//     kernel the training device picks (bench/matmul-timing.ts);
//   - the spiking time loop: neuron-steps per second forward through a
//     784-1000-10 LIF network, batch 64, T = 100;
//   - time to the first training step: device, dataset load, shader
//     compilation, one step.
// Then, unless --no-browser, the browser half (bench/speed-browser.ts) in
// headless Chromium: this engine against TensorFlow.js (tfjs-backend-webgpu)
// in one page on one adapter, backprop and feedback alignment, with the
// issue's targets (at least 5x and 4x its samples per second), and the app
// page's time to its first training step (target: under 3 s). A real-GPU
// section sets bp's rates beside PyTorch's (--pytorch, bench/pytorch_mlp.py),
// or says that no GPU was at hand.
// Timed sections wait for the GPU once at their end (flush); nothing is read
// back inside them. Progress goes to stderr.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { choiceListFlag, numberFlag, parseArgs, stringFlag } from '../src/cli/args';
import { EXIT, reportFailure } from '../src/cli/failures';
import { compact } from '../src/cli/format';
import { createNodeContext, loadFromDisk } from '../src/cli/node-host';
import { defaultDataDir, packageRoot } from '../src/cli/package-root';
import type { GpuContext } from '../src/engine/device/gpu-context';
import type { BrowserSpeed } from './speed-browser';
import { type PytorchReport, readPytorchReport, realGpuMarkdown } from './real-gpu';
import { BENCH_SHAPES, productDispatch, SQUARE_1024, Timer } from './matmul-timing';
import { isSoftwareAdapter, matmulFlops } from '../src/engine/kernels/matmul';
import { type GpuDataset, uploadDataset } from '../src/engine/data/gpu-dataset';
import type { Dataset } from '../src/engine/data/loader';
import { RULES } from '../src/engine/rules/registry';
import { resolveSpikingConfig } from '../src/engine/spiking/config';
import { SpikingTrainer } from '../src/engine/spiking/trainer';
import { resolveConfig } from '../src/engine/training/config';
import { Trainer } from '../src/engine/training/trainer';

const RULE_IDS = RULES.map((r) => r.id);
const HIDDEN = [256, 256];
const BATCHES = [128, 1024];
/** The issue's bound on a training step's dispatches: 3 per layer plus 3. */
const dispatchBound = (layers: number) => 3 * layers + 3;
/** The issue's targets in the browser: samples/s against TensorFlow.js's, and time to the first step. */
const PEER_TARGETS: Record<'bp' | 'fa', number> = { bp: 5, fa: 4 };
const FIRST_STEP_TARGET_SEC = 3;

const FLAGS = {
  rules: 'value', steps: 'value', out: 'value', 'data-dir': 'value', 'spiking-examples': 'value', 'peak-gflops': 'value',
  'no-browser': 'switch', 'browser-steps': 'value', 'browser-rounds': 'value', pytorch: 'value', help: 'switch',
} as const;

const HELP = `Usage: npm run bench:speed -- [options]   (or: node dist-cli/bench-speed.js [options])

Measures training speed per rule (784-256-256-10, batch ${BATCHES.join(' and ')}), the
kernel GFLOP/s of its matrix products and of 1024³, the spiking forward loop (784-1000-10 LIF, batch 64, T = 100) and the time to the
first step in Node; then, in headless Chromium, this engine against
TensorFlow.js (bp and fa, batch 128, SGD) and the app page's time to its first
step, from the dev server and from the built site; writes speed.md and speed.json.
  --rules a,b             ${RULE_IDS.join(', ')} (default: all)
  --steps N               timed steps at batch 128 (default 100; batch 1024 times N/4)
  --spiking-examples N    test examples through the spiking network (default 1024)
  --peak-gflops N         the device's fp32 peak, for the share of it 1024³ reaches
  --pytorch FILE          PyTorch's rates on this card (bench/pytorch_mlp.py --out FILE),
                          set beside this engine's in the real-GPU section
  --out DIR               where to write the report (default: bench/results in the package)
  --data-dir DIR          folder with the .gz IDX files (default: the package's public/datasets;
                          the browser part always uses public/datasets)
  --no-browser            skip the browser part (Chromium: $CHROMIUM_PATH or /usr/bin/chromium)
  --browser-steps N       timed steps per browser measurement (default 20)
  --browser-rounds N      interleaved rounds per framework and rule; the median counts (default 3)
  -h, --help              this text
`;

interface TrainingRate {
  rule: string;
  batch: number;
  steps: number;
  samplesPerSec: number;
  msPerStep: number;
  /** Dispatches every step records, and the issue's bound for this depth. */
  dispatchesPerStep: number;
  dispatchBound: number;
  /** Extra dispatches on metric steps only (alignment probes). */
  probeDispatches: number;
  /** GPU memory of the trainer (parameters, optimiser state, activations, batch) and of the dataset. */
  trainerBytes: number;
  datasetBytes: number;
}

interface SpikingForward {
  network: string;
  batch: number;
  steps: number;
  examples: number;
  samplesPerSec: number;
  neuronStepsPerSec: number;
  dispatchesPerBatch: number;
}

/** One matrix product on the engine's device, through the kernel callers get. */
interface ProductRate {
  shape: string;
  M: number;
  N: number;
  K: number;
  op: string;
  kernel: string;
  gflops: number;
}

interface FirstStep {
  deviceSec: number;
  datasetSec: number;
  compileSec: number;
  firstStepSec: number;
  totalSec: number;
}

interface SpeedReport {
  generatedAt: string;
  device: string;
  node: string;
  command: string;
  training: TrainingRate[];
  spiking: SpikingForward | null;
  /** Kernel GFLOP/s of the MLP's products and 1024³ (bench:matmul has every variant). */
  matmul: ProductRate[];
  /** The device's fp32 peak in GFLOP/s, where given (--peak-gflops). */
  peakGflops: number | null;
  firstStep: FirstStep | null;
  /** Whether the Node run's adapter is a software one (then the real-GPU section holds no figure). */
  software: boolean;
  /** PyTorch on the same card (--pytorch), for the real-GPU section. */
  pytorch: PytorchReport | null;
  /** The browser half; null with --no-browser. */
  browser: BrowserSpeed | null;
  /** Why the browser half failed, when it did (the Node results are still written). */
  browserError?: string;
  targets: { samplesPerSecVsTfjs: Record<'bp' | 'fa', number>; firstStepInPageSec: number };
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Trains `steps` steps after a warm-up and returns the rate, with no metric record inside the timed part. */
async function trainingRate(ctx: GpuContext, gpuData: GpuDataset, datasetBytes: number, rule: string, batch: number, steps: number): Promise<TrainingRate> {
  const before = ctx.buffers.stats.bytes;
  const config = resolveConfig({ rule, hidden: HIDDEN, batchSize: batch, seed: 1 });
  // Metrics only past the timed steps: the timed loop records no readback.
  const trainer = await Trainer.create(ctx, gpuData, config, { metricsEvery: 100_000 });
  try {
    const trainerBytes = ctx.buffers.stats.bytes - before;
    const warm = 3;
    if (warm + steps > trainer.stepsPerEpoch) throw new Error(`${steps} steps do not fit in one epoch of ${trainer.stepsPerEpoch} at batch ${batch}`);
    await trainer.train(warm);
    await trainer.flush();
    await ctx.device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    await trainer.train(steps);
    await ctx.device.queue.onSubmittedWorkDone();
    const sec = seconds(t0);
    const d = trainer.dispatchCounts;
    return {
      rule, batch, steps, samplesPerSec: (steps * batch) / sec, msPerStep: (sec * 1000) / steps,
      dispatchesPerStep: d.train + d.update, dispatchBound: dispatchBound(HIDDEN.length + 1), probeDispatches: d.probe,
      trainerBytes, datasetBytes,
    };
  } finally {
    trainer.destroy();
  }
}

/** GFLOP/s of the products bench:matmul times, each through the kernel `matmul` picks on this device, best of 3 submits of about 1 GFLOP. */
async function productRates(ctx: GpuContext): Promise<ProductRate[]> {
  const timer = new Timer(ctx);
  const out: ProductRate[] = [];
  try {
    for (const s of BENCH_SHAPES) {
      const { d, chosen, buffers } = await productDispatch(ctx, s, 'auto', `speed.${s.name}`);
      const flops = matmulFlops(s.M, s.N, s.K);
      const iterations = Math.max(1, Math.round(1e9 / flops));
      await timer.time(d, 1);
      let best = Infinity;
      for (let r = 0; r < 3; r++) best = Math.min(best, await timer.time(d, iterations));
      for (const b of buffers) ctx.buffers.destroy(b);
      out.push({ shape: s.name, M: s.M, N: s.N, K: s.K, op: `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`, kernel: chosen ?? 'auto', gflops: flops / (best * 1e6) });
    }
  } finally {
    timer.destroy();
  }
  return out;
}

/** The test set through the spiking network in batches of 64 (one evaluation pass), timed. */
async function spikingForward(ctx: GpuContext, data: Dataset): Promise<SpikingForward> {
  const gpuData = uploadDataset(ctx, data);
  const batch = 64;
  const config = resolveSpikingConfig({ hidden: [1000], steps: 100, batchSize: batch, seed: 1 });
  const trainer = await SpikingTrainer.create(ctx, gpuData, config, { metricsEvery: 100_000, evalRows: batch });
  try {
    trainer.evaluate(); // compile and warm up
    await trainer.flush();
    const t0 = performance.now();
    trainer.evaluate();
    await trainer.flush();
    const sec = seconds(t0);
    const examples = data.test.count;
    const neurons = (1000 + data.classes) * config.steps;
    const chunks = Math.ceil(examples / batch);
    return {
      network: `784-1000-${data.classes} LIF`, batch, steps: config.steps, examples,
      samplesPerSec: examples / sec, neuronStepsPerSec: (examples * neurons) / sec,
      dispatchesPerBatch: trainer.dispatchCounts.evaluation / chunks,
    };
  } finally {
    trainer.destroy();
  }
}

/** A fresh device, MNIST from disk, the default network's pipelines, and its first step. */
async function firstStep(dataDir: string): Promise<FirstStep> {
  const t0 = performance.now();
  const ctx = await createNodeContext();
  const deviceSec = seconds(t0);
  try {
    let t = performance.now();
    const data = uploadDataset(ctx, await loadFromDisk({ dataset: 'mnist', dataDir, trainSubset: undefined, testSubset: undefined }));
    const datasetSec = seconds(t);
    t = performance.now();
    const trainer = await Trainer.create(ctx, data, resolveConfig({}), {});
    const compileSec = seconds(t);
    t = performance.now();
    await trainer.train(1);
    await ctx.device.queue.onSubmittedWorkDone();
    const firstStepSec = seconds(t);
    trainer.destroy();
    return { deviceSec, datasetSec, compileSec, firstStepSec, totalSec: seconds(t0) };
  } finally {
    ctx.destroy();
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function markdown(r: SpeedReport): string {
  const lines = [
    '# Speed (`npm run bench:speed`)',
    '',
    '| | |',
    '|---|---|',
    `| Date | ${r.generatedAt} |`,
    `| Device | ${r.device} |`,
    `| Host | Node ${r.node}, WebGPU through Dawn (\`webgpu\` package) |`,
    `| Command | \`${r.command}\` |`,
    '',
    'Wall-clock rates on a shared machine: compare rows of one run, not runs.',
    '',
    '## Training, 784-256-256-10 MLP (ReLU, cross-entropy, momentum SGD)',
    '',
    '| Rule | Batch | Samples/s | ms/step | Dispatches/step (bound) | + on metric steps | Trainer memory | Dataset memory |',
    '|---|---|---|---|---|---|---|---|',
    ...r.training.map(
      (t) =>
        `| ${t.rule} | ${t.batch} | ${compact(t.samplesPerSec)} | ${t.msPerStep.toFixed(2)} | ${t.dispatchesPerStep} (${t.dispatchesPerStep <= t.dispatchBound ? '≤' : '>'} ${t.dispatchBound}) | ${t.probeDispatches} | ${mb(t.trainerBytes)} | ${mb(t.datasetBytes)} |`,
    ),
    '',
    'A step is one command-buffer entry of its dispatches; several steps share a submit and no step reads anything back. ' +
      'The bound is the issue\'s "at most 3 per layer plus 3".',
    '',
    'Each layer\'s update is one dispatch: the weight-gradient matmul applies the optimiser to W and b as its epilogue ' +
      '(kernels/weight-update.ts), with Kolen-Pollack\'s tied B in the same pass and sign symmetry reading kappa sign(W) in its delta product, ' +
      'so bp, fa, dfa, ss and kp take gather + 3 forward + loss + 2 deltas + 3 updates. ' +
      'Rules that train B step it after the backward pass has read it. wm, ia and aa, whose activity terms are one product, take B\'s product and optimiser step ' +
      'in W\'s own update dispatch: its workgroups z = 1 compute B\'s product (the same nOut x nIn shape over the batch) and step B while those at z = 0 step W ' +
      '(matmul_operands_paired.wgsl; at most 10 storage buffers, else B takes a fused dispatch of its own). Y = X Wᵀ comes out of the forward matmul (its product before the bias), ' +
      'aa\'s X B out of the same forward dispatch\'s second half, and ia\'s Y Bᵀ out of the backward delta through the same B (a paired matmul, 10 storage buffers) but for layer 1\'s, ' +
      'so wm and aa add nothing and ia 1 dispatch. sa\'s gradient needs no batch (decay and self): B takes its own optimiser step inside W\'s fused update ' +
      '(matmul_update_twin.wgsl, 8 storage buffers; where a device allows fewer, sa keeps a separate step per layer). ' +
      'A layer keeps W\'s and b\'s optimiser moments in one buffer and B\'s in another, which keeps every fused update within the 10 storage buffers Chrome offers on some devices.',
    '',
  ];
  if (r.matmul.length) lines.push(...productMarkdown(r));
  if (r.spiking) {
    const s = r.spiking;
    lines.push(
      '## Spiking forward, time loop',
      '',
      '| Network | Batch | T | Examples | Samples/s | Neuron-steps/s | Dispatches per batch |',
      '|---|---|---|---|---|---|---|',
      `| ${s.network} | ${s.batch} | ${s.steps} | ${s.examples} | ${compact(s.samplesPerSec)} | ${compact(s.neuronStepsPerSec)} | ${s.dispatchesPerBatch.toFixed(1)} |`,
      '',
    );
  }
  const bp = r.training.filter((t) => t.rule === 'bp').map((t) => ({ batch: t.batch, samplesPerSec: t.samplesPerSec }));
  const spiking = r.spiking ? { network: r.spiking.network, batch: r.spiking.batch, steps: r.spiking.steps, neuronStepsPerSec: r.spiking.neuronStepsPerSec } : null;
  lines.push(...realGpuMarkdown({ device: r.device, software: r.software, bp, spiking }, r.pytorch));
  if (r.firstStep) {
    const f = r.firstStep;
    lines.push(
      '## Time to the first training step (Node, default network, MNIST from disk)',
      '',
      '| Device | Dataset load + upload | Pipelines | First step | Total |',
      '|---|---|---|---|---|',
      `| ${f.deviceSec.toFixed(2)} s | ${f.datasetSec.toFixed(2)} s | ${f.compileSec.toFixed(2)} s | ${f.firstStepSec.toFixed(2)} s | ${f.totalSec.toFixed(2)} s |`,
      '',
    );
  }
  if (r.browser) lines.push(...browserMarkdown(r.browser));
  else if (r.browserError) lines.push('## In the browser', '', `Failed: ${r.browserError}`, '');
  else lines.push('## In the browser', '', 'Skipped (--no-browser).', '');
  return `${lines.join('\n')}\n`;
}

/** At least 10 GFLOP/s on lavapipe; at least 40% of the fp32 peak on a real GPU (1024³). */
const LAVAPIPE_GFLOPS_TARGET = 10;
const PEAK_SHARE_TARGET = 0.4;

function productMarkdown(r: SpeedReport): string[] {
  const square = r.matmul.find((p) => p.shape === SQUARE_1024.name);
  let verdict: string;
  if (!square) verdict = '1024³ was not timed.';
  else if (r.software) {
    const ok = square.gflops >= LAVAPIPE_GFLOPS_TARGET;
    verdict = `1024³ on this software adapter: ${square.gflops.toFixed(1)} GFLOP/s against ≥ ${LAVAPIPE_GFLOPS_TARGET}: ${ok ? 'met' : '**missed**'}. The real-GPU target (≥ ${PEAK_SHARE_TARGET * 100}% of the fp32 peak) waits for a GPU.`;
  } else if (r.peakGflops) {
    const share = square.gflops / r.peakGflops;
    verdict = `1024³: ${square.gflops.toFixed(0)} GFLOP/s, ${(share * 100).toFixed(0)}% of the ${r.peakGflops} GFLOP/s fp32 peak, against ≥ ${PEAK_SHARE_TARGET * 100}%: ${share >= PEAK_SHARE_TARGET ? 'met' : '**missed**'}.`;
  } else verdict = `1024³: ${square.gflops.toFixed(0)} GFLOP/s; no --peak-gflops given, so no share of the peak.`;
  return [
    '## Matrix products (kernel GFLOP/s)',
    '',
    'Each product on fresh buffers of the training device, through the kernel `matmul` picks there (bench:matmul times every variant), ' +
      'best of 3 submits of about 1 GFLOP each, by the wall clock of the submit.',
    '',
    '| Product | M×N×K | op | Kernel | GFLOP/s |',
    '|---|---|---|---|---|',
    ...r.matmul.map((p) => `| ${p.shape} | ${p.M}×${p.N}×${p.K} | ${p.op} | ${p.kernel} | ${p.gflops.toFixed(p.gflops >= 100 ? 0 : 2)} |`),
    '',
    verdict,
    '',
  ];
}

const sec = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`);
const between = (from: number | null, to: number | null) => (from === null || to === null ? '–' : sec(to - from));

function browserMarkdown(b: BrowserSpeed): string[] {
  const p = b.peer;
  const o = p.options;
  const ea = p.engineAdapter;
  const f = b.firstStep;
  const g = b.firstStepBuilt;
  const e = p.engineFirstStep;
  const cachedText = (x: typeof f) =>
    x.datasetCached ? 'in the HTTP cache (every request answered 304, or none made)' : '**not** fully cached: ' + x.datasetRequests.map((d) => `${d.url} ${d.status}`).join(', ');
  const verdict = (s: number) => (s < FIRST_STEP_TARGET_SEC ? 'met' : `**missed** (${s.toFixed(2)} s)`);
  return [
    '## In the browser: this engine and TensorFlow.js, one page, one adapter',
    '',
    '| | |',
    '|---|---|',
    `| Browser | ${b.browser} |`,
    `| Adapter (engine) | vendor ${ea.vendor || '–'}, architecture ${ea.architecture || '–'}, device ${ea.device || '–'}, description ${ea.description || '–'} |`,
    `| Adapter (TF.js) | vendor ${p.tfjsAdapter.vendor || '–'}, architecture ${p.tfjsAdapter.architecture || '–'} |`,
    `| TensorFlow.js | @tensorflow/tfjs-core and @tensorflow/tfjs-backend-webgpu ${p.tfjsVersion}, webgpu backend |`,
    `| Workload | ${p.network} ReLU MLP on MNIST, batch ${o.batch}, plain SGD (lr ${o.lr}), softmax cross-entropy; ${o.steps} timed steps after ${o.warmup} warm-up, median of ${o.rounds} interleaved rounds |`,
    '',
    '| Rule | Engine samples/s | TF.js samples/s | Engine ms/step | TF.js ms/step | Ratio | Target | Verdict |',
    '|---|---|---|---|---|---|---|---|',
    ...p.rates.map((r) => {
      const target = PEER_TARGETS[r.rule];
      const verdict = r.ratio >= target ? 'met' : `**missed** (${r.ratio.toFixed(2)}×)`;
      return `| ${r.rule} | ${compact(r.engine.samplesPerSec)} | ${compact(r.tfjs.samplesPerSec)} | ${r.engine.msPerStep.toFixed(0)} | ${r.tfjs.msPerStep.toFixed(0)} | ${r.ratio.toFixed(2)}× | ≥ ${target}× | ${verdict} |`;
    }),
    '',
    'Each round times both frameworks one after the other, on separate devices from the same adapter: ' +
      p.rates.map((r) => `${r.rule}: engine ${r.engine.roundsSamplesPerSec.map(compact).join(', ')}; TF.js ${r.tfjs.roundsSamplesPerSec.map(compact).join(', ')}`).join('. ') + ' samples/s.',
    'Timed loops read nothing back and wait for the GPU once at their end (the engine: onSubmittedWorkDone; TF.js: one `data()` read). ' +
      'The engine gathers each batch from the uploaded training set on the GPU; TF.js gets its batches as tensors uploaded before timing (the first ' +
      `${Math.min(o.warmup + o.steps, 64)} of the training set, as [0, 1] floats and one-hot labels). ` +
      'TF.js\'s feedback alignment is `tf.customGrad` layers whose backward pass sends the error through a fixed random B (the first layer keeps autodiff: its input needs no error). ' +
      `TF.js's loss on its first batch before and after its last round: ${p.rates.map((r) => `${r.rule} ${r.tfjsLoss.before.toFixed(3)} → ${r.tfjsLoss.after.toFixed(3)}`).join(', ')}.`,
    '',
    '## Time to the first training step in the page',
    '',
    `The app (index.html), ${f.preset}, from Vite's dev server (\`npm run dev\`, for development) and as the built site ` +
      '(`npm start`, the README\'s way to run it: `vite build`, then the static files served by `vite preview`, as a shared link opens them); Play pressed by a script the first frame it is enabled; ' +
      `the dataset ${cachedText(f)} (dev server), ${cachedText(g)} (built site). ` +
      'Times from navigation, by the page\'s clock and the session\'s events.',
    '',
    '| Served by | Play enabled | Worker loading | Loaded and compiled | Session ready | First record | Target | Verdict | Step-0 test record |',
    '|---|---|---|---|---|---|---|---|---|',
    ...([['built site (`npm start`)', g], ['dev server (`npm run dev`)', f]] as const).map(
      ([by, x]) =>
        `| ${by} | ${sec(x.readyMs)} | ${sec(x.loadingMs)} | ${sec(x.preparingMs)} | ${sec(x.sessionReadyMs)} | ${sec(x.firstStepMs)} (step ${x.firstStep}) | < ${FIRST_STEP_TARGET_SEC} s | ${verdict(x.firstStepMs / 1000)} | ${sec(x.stepZeroMs)} |`,
    ),
    '',
    `Split (dev server; built site): page start-up to Play enabled ${sec(f.readyMs)}; ${sec(g.readyMs)}. Play to the worker loading ${between(f.readyMs, f.loadingMs)}; ${between(g.readyMs, g.loadingMs)}. ` +
      `Dataset load (fetch, gunzip, parse) and, beside it, device and pipeline compilation ${between(f.loadingMs, f.preparingMs)}; ${between(g.loadingMs, g.preparingMs)}. ` +
      `Upload and the trainer from cached pipelines ${between(f.preparingMs, f.sessionReadyMs)}; ${between(g.preparingMs, g.sessionReadyMs)}. ` +
      `Then ${f.firstStep === 1 ? 'the first training step' : `${f.firstStep} training steps`} and the readback of its record, ${between(f.sessionReadyMs, f.firstStepMs)}; ${between(g.sessionReadyMs, g.firstStepMs)}. ` +
      'The untrained network\'s test pass (10,000 images, over a second here) is queued behind that first step on a copy of the state at step 0, so its record (step 0, last column) comes after step 1\'s; ' +
      'the default preset records every 9 steps after that.',
    `Frames (dev server): ${f.frames.count} animation frames between Play and the first record (${f.frames.perSecond.toFixed(0)} per second), the longest gap ${f.frames.longestGapMs.toFixed(0)} ms; ` +
      `while the dataset loaded and the pipelines compiled beside it (loading → ready) the longest gap was ${f.frames.longestGapWhileCompilingMs === null ? '–' : `${f.frames.longestGapWhileCompilingMs.toFixed(0)} ms`}.`,
    '',
    'The engine alone, in the benchmark page\'s main thread (no worker, no test evaluation): MNIST from the HTTP cache, a fresh device, ' +
      'the default network\'s pipelines (createComputePipelineAsync) and one step, waited for on the GPU.',
    '',
    '| Dataset load | Device | Upload | Pipelines | First step | Total | Target | Verdict |',
    '|---|---|---|---|---|---|---|---|',
    `| ${e.datasetSec.toFixed(2)} s | ${e.deviceSec.toFixed(2)} s | ${e.uploadSec.toFixed(2)} s | ${e.compileSec.toFixed(2)} s | ${e.stepSec.toFixed(2)} s | ${e.totalSec.toFixed(2)} s | < ${FIRST_STEP_TARGET_SEC} s | ${verdict(e.totalSec)} |`,
    '',
    `While the pipelines compiled there, the page's longest gap between animation frames was ${e.longestFrameGapMs.toFixed(0)} ms.`,
    '',
    `### Dispatches per training step in the page (${p.storageBuffersPerStage} storage buffers per shader stage)`,
    '',
    `The ${p.network} MLP, batch ${o.batch}, on the engine's device in this browser: how many of a step's products and updates fuse depends on how many storage buffers a kernel may bind.`,
    '',
    '| Rule | Dispatches/step (bound) |',
    '|---|---|',
    ...p.dispatchesPerStep.map((d) => {
      const bound = dispatchBound(p.network.split('-').length - 1);
      return `| ${d.rule} | ${d.dispatches} (${d.dispatches <= bound ? '≤' : '>'} ${bound}) |`;
    }),
    '',
  ];
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, FLAGS, 'bench:speed');
  if (args.switches.has('help')) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const rules = choiceListFlag(args, 'rules', RULE_IDS) ?? RULE_IDS;
  const steps = numberFlag(args, 'steps', { integer: true, min: 4 }) ?? 100;
  const spikingExamples = numberFlag(args, 'spiking-examples', { integer: true, min: 1 }) ?? 1024;
  const browserSteps = numberFlag(args, 'browser-steps', { integer: true, min: 1 });
  const browserRounds = numberFlag(args, 'browser-rounds', { integer: true, min: 1 });
  const outFlag = stringFlag(args, 'out');
  const out = outFlag !== undefined ? resolve(outFlag) : join(packageRoot(), 'bench', 'results');
  const dataFlag = stringFlag(args, 'data-dir');
  const dataDir = dataFlag !== undefined ? resolve(dataFlag) : defaultDataDir();
  const pytorchFlag = stringFlag(args, 'pytorch');
  const peakGflops = numberFlag(args, 'peak-gflops', { min: 1 });

  const report: SpeedReport = {
    generatedAt: new Date().toISOString(), device: 'unknown', node: process.version,
    command: `node dist-cli/bench-speed.js ${argv.join(' ')}`.trim(), training: [], spiking: null, firstStep: null, browser: null,
    software: true, pytorch: pytorchFlag !== undefined ? readPytorchReport(resolve(pytorchFlag)) : null, matmul: [], peakGflops: peakGflops ?? null,
    targets: { samplesPerSecVsTfjs: PEER_TARGETS, firstStepInPageSec: FIRST_STEP_TARGET_SEC },
  };
  process.stderr.write('time to the first step\n');
  report.firstStep = await firstStep(dataDir);

  const mnist = await loadFromDisk({ dataset: 'mnist', dataDir, trainSubset: undefined, testSubset: undefined });
  const ctx = await createNodeContext();
  report.device = ctx.adapterName;
  report.software = isSoftwareAdapter(ctx.adapter);
  try {
    // Uploaded once, shared by every trainer.
    const gpuData = uploadDataset(ctx, mnist);
    const datasetBytes = ctx.buffers.stats.bytes;
    for (const batch of BATCHES) {
      for (const rule of rules) {
        const n = batch === 128 ? steps : Math.max(4, Math.floor(steps / 4));
        const r = await trainingRate(ctx, gpuData, datasetBytes, rule, batch, n);
        process.stderr.write(`${rule} batch ${batch}: ${compact(r.samplesPerSec)} samples/s, ${r.dispatchesPerStep} dispatches/step\n`);
        report.training.push(r);
      }
    }
    process.stderr.write('matrix products\n');
    report.matmul = await productRates(ctx);
  } finally {
    ctx.destroy();
  }
  process.stderr.write(`spiking forward: ${spikingExamples} examples through 784-1000-10, T = 100\n`);
  const subset = { ...mnist, test: { count: spikingExamples, images: mnist.test.images.subarray(0, spikingExamples * 784), labels: mnist.test.labels.subarray(0, spikingExamples) } };
  // A device of its own: the spiking test subset is another upload.
  const spikingCtx = await createNodeContext();
  try {
    report.spiking = await spikingForward(spikingCtx, subset);
  } finally {
    spikingCtx.destroy();
  }
  let browserFailure: unknown = null;
  if (!args.switches.has('no-browser')) {
    process.stderr.write('in the browser (headless Chromium)\n');
    const peer = {
      ...(browserSteps !== undefined ? { steps: browserSteps } : {}),
      ...(browserRounds !== undefined ? { rounds: browserRounds } : {}),
    };
    try {
      // Loaded only here: playwright-core and Vite stay out of a --no-browser run.
      const { browserSpeed } = await import('./speed-browser');
      report.browser = await browserSpeed({ root: packageRoot(), peer, log: (line) => process.stderr.write(`  ${line}\n`) });
    } catch (e) {
      browserFailure = e;
      report.browserError = e instanceof Error ? e.message : String(e);
    }
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'speed.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'speed.md'), markdown(report));
  process.stderr.write(`wrote ${join(out, 'speed.md')}\n`);
  if (browserFailure) throw browserFailure;
  return EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => process.exit(reportFailure(e)),
);
