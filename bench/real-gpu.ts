// bench:speed's real-GPU section (issue 5, items 5 and 6): this engine's
// backprop rate beside PyTorch's on the same card (bench/pytorch_mlp.py writes
// PyTorch's side), and the spiking forward rate against its target. On a
// software adapter the section says so and holds no figure.
import { readFileSync } from 'node:fs';
import { compact } from '../src/cli/format';
import { ConfigError } from '../src/engine/errors';

/** bench/pytorch_mlp.py's JSON: PyTorch training the same MLP on the same card. */
export interface PytorchReport {
  device: string;
  torch: string;
  cuda: string | null;
  network: string;
  optimizer: string;
  rates: Array<{ batch: number; steps: number; samplesPerSec: number; msPerStep: number; loss: { first: number; last: number } }>;
}

/** The engine's figures the section compares: bp's samples/s per batch, and the spiking forward rate. */
export interface EngineFigures {
  /** The adapter the Node run used, and whether it is a software one (lavapipe, SwiftShader). */
  device: string;
  software: boolean;
  bp: Array<{ batch: number; samplesPerSec: number }>;
  spiking: { network: string; batch: number; steps: number; neuronStepsPerSec: number } | null;
}

/** At least half of PyTorch's samples per second, at batch 128 and 1024 (the issue's goal). */
export const PYTORCH_RATIO_GOAL = 0.5;
/** Neuron-steps per second forward, 784-1000-10 LIF, batch 64, T = 100, on a real GPU. */
export const SPIKING_TARGET = 5e9;

/** Reads and checks PyTorch's report; a ConfigError says what is wrong with the file. */
export function readPytorchReport(path: string): PytorchReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('pytorch', `cannot read ${path} (${e instanceof Error ? e.message : e}); pass the JSON that bench/pytorch_mlp.py --out wrote.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('pytorch', `${path} is not JSON; pass the file that bench/pytorch_mlp.py --out wrote.`);
  }
  const r = json as Partial<PytorchReport>;
  const rateOk = (x: unknown) => {
    const q = x as Partial<PytorchReport['rates'][number]> | null;
    return q !== null && typeof q === 'object' && Number.isInteger(q.batch) && typeof q.samplesPerSec === 'number' && q.samplesPerSec > 0 && typeof q.msPerStep === 'number';
  };
  if (typeof r.device !== 'string' || !Array.isArray(r.rates) || r.rates.length === 0 || !r.rates.every(rateOk)) {
    throw new ConfigError('pytorch', `${path} lacks a device name or rates (batch, samplesPerSec, msPerStep); pass the file that bench/pytorch_mlp.py --out wrote.`);
  }
  return r as PytorchReport;
}

const perSecond9 = (v: number) => `${(v / 1e9).toFixed(2)}×10⁹`;

/** The section's markdown lines. */
export function realGpuMarkdown(engine: EngineFigures, pytorch: PytorchReport | null): string[] {
  const lines = ['## Real GPU: this engine and PyTorch on one card', ''];
  if (engine.software) {
    lines.push(
      `Not measured: no GPU was lent to this session, and this run's adapter is a software one (${engine.device}). ` +
        'The targets wait for a run on an NVIDIA GPU (scripts/gpu-bench.sh): backprop training at least ' +
        `${PYTORCH_RATIO_GOAL}× PyTorch's samples/s on the same card at batch 128 and 1024 (bench/pytorch_mlp.py), ` +
        `at least ${SPIKING_TARGET / 1e9}×10⁹ neuron-steps/s for the spiking forward loop, and 40% of the card's fp32 peak on 1024³ (bench:matmul).`,
      '',
      '| Batch | Engine samples/s (bp) | PyTorch samples/s | Ratio | Goal | Verdict |',
      '|---|---|---|---|---|---|',
      ...engine.bp.map((r) => `| ${r.batch} | not measured | not measured | – | ≥ ${PYTORCH_RATIO_GOAL}× | not measured: no GPU |`),
      '',
    );
    return lines;
  }
  const { bp, spiking } = engine;
  if (pytorch) {
    const same = pytorch.device === engine.device ? '' : ` (PyTorch names it ${pytorch.device})`;
    lines.push(
      `Adapter: ${engine.device}${same}. PyTorch ${pytorch.torch}${pytorch.cuda ? `, CUDA ${pytorch.cuda}` : ''}, fp32 without TF32, ` +
        `${pytorch.network}, ${pytorch.optimizer}, batches gathered on the GPU from the uploaded training set, as the engine does.`,
      '',
      '| Batch | Engine samples/s (bp) | PyTorch samples/s | Ratio | Goal | Verdict |',
      '|---|---|---|---|---|---|',
    );
    for (const r of bp) {
      const p = pytorch.rates.find((q) => q.batch === r.batch);
      if (!p) {
        lines.push(`| ${r.batch} | ${compact(r.samplesPerSec)} | not run | – | ≥ ${PYTORCH_RATIO_GOAL}× | – |`);
        continue;
      }
      const ratio = r.samplesPerSec / p.samplesPerSec;
      const verdict = ratio >= PYTORCH_RATIO_GOAL ? 'met' : `**missed** (${ratio.toFixed(2)}×)`;
      lines.push(`| ${r.batch} | ${compact(r.samplesPerSec)} | ${compact(p.samplesPerSec)} | ${ratio.toFixed(2)}× | ≥ ${PYTORCH_RATIO_GOAL}× | ${verdict} |`);
    }
    lines.push('');
  } else {
    lines.push(`Adapter: ${engine.device}. PyTorch's side was not given (--pytorch FILE from bench/pytorch_mlp.py on this card): no ratio.`, '');
  }
  if (spiking) {
    const verdict = spiking.neuronStepsPerSec >= SPIKING_TARGET ? 'met' : `**missed** (${perSecond9(spiking.neuronStepsPerSec)})`;
    lines.push(
      `Spiking forward, ${spiking.network}, batch ${spiking.batch}, T = ${spiking.steps}: ${perSecond9(spiking.neuronStepsPerSec)} neuron-steps/s ` +
        `against ≥ ${SPIKING_TARGET / 1e9}×10⁹: ${verdict}.`,
      '',
    );
  }
  return lines;
}
