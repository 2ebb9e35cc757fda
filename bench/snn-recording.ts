// What recording for display costs (recording-overhead.ts), printed; bench:snn
// writes the same measurement into snn.md.
// Run: node -e "import('vite').then((v) => v.runnerImport('./bench/snn-recording.ts'))"
// (Vite's module runner: the kernels import WGSL with `?raw`). BENCH_STEPS
// (steps per block, default 10: one recording each) and BENCH_ROUNDS (default 6)
// override the counts.
import { loadDataset } from '../src/engine/data/loader';
import { nodeFileSource } from '../src/engine/data/node-source';
import { GpuContext } from '../src/engine/device/gpu-context';
import { nodeGpu } from '../src/engine/device/node-gpu';
import { measureRecordingOverhead, RECORD, recordingExamples } from './recording-overhead';

const STEPS = Number(process.env.BENCH_STEPS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

const ctx = await GpuContext.create(nodeGpu());
const mnist = await loadDataset('mnist', nodeFileSource('public/datasets'), { trainSubset: recordingExamples(ROUNDS, STEPS), testSubset: 100 });
console.log(`snn recording overhead: 784-256-10, T = 25, batch 128, ${ROUNDS} rounds of ${STEPS} steps each; ${ctx.adapterName}`);
const r = await measureRecordingOverhead(ctx, mnist, ROUNDS, STEPS, (line) => console.log(line));
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
console.log(`recording off: ${r.offMsPerStep.toFixed(1)} ms/step`);
console.log(`recording on (every ${RECORD.every}): ${r.onMsPerStep.toFixed(1)} ms/step, ${r.recordingsDelivered} recordings delivered`);
console.log(`overhead: total ${pct(r.overheadTotal)}, median of rounds ${pct(r.overheadMedian)}, best blocks ${pct(r.overheadBest)}`);
console.log(`recording dispatches alone: ${r.recordingMs.toFixed(3)} ms per recording, ${(100 * r.recordingSharePerStep).toFixed(4)}% per step at every ${RECORD.every}`);
ctx.destroy();
