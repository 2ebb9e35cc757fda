// What `npm run bench:snn` trains, and the targets of the spiking issue.
import type { DatasetName } from '../src/engine/data/loader';
import type { SpikingConfigInput } from '../src/engine/spiking/config';

export interface SnnPreset {
  /** The run's name in the report. */
  key: string;
  /** The learning rule as the issue names it. */
  rule: string;
  config: SpikingConfigInput;
  /** Why these settings. */
  source: string;
  /** Settings that differ on one dataset, and why. */
  datasets?: Partial<Record<DatasetName, { config: Partial<SpikingConfigInput>; source: string }>>;
}

/** The preset's settings on `dataset`, and why. */
export function presetFor(p: SnnPreset, dataset: DatasetName): { config: SpikingConfigInput; source: string } {
  const over = p.datasets?.[dataset];
  return over ? { config: { ...p.config, ...over.config }, source: `${p.source} ${over.source}` } : { config: p.config, source: p.source };
}

/** The accuracy network: 784-256-10 LIF, T = 25, Poisson input. */
const ACCURACY_NET: SpikingConfigInput = { hidden: [256], steps: 25, encoder: 'poisson', batchSize: 128, seed: 1 };

// Fashion-MNIST, surrogate-bp: momentum SGD 0.01 on a 10-epoch cosine reached
// 85.74% (target 87%), still rising. Probes for a lever, 2 epochs on the first
// 10,000 images, tested on 2,000, cosine, lavapipe: Poisson 79.65%, direct
// current 79.05%, Adam 1e-3 80.05%, Adam 5e-4 78.40%, momentum lr 0.03 65.45%.
// Adam 1e-3 (as the rate benchmark's Fashion-MNIST presets) over more epochs is
// the run now reported; not tried: a wider hidden layer or a longer T.
export const SNN_PRESETS: readonly SnnPreset[] = [
  {
    key: 'surrogate-bp',
    rule: 'surrogate-bp',
    config: { ...ACCURACY_NET, rule: 'surrogate-bp', lrSchedule: 'cosine' },
    source: 'Engine defaults: LIF beta 0.95, threshold 1, subtractive reset, fast sigmoid k = 25, peak-membrane readout, momentum SGD lr 0.01, falling to 0 along a cosine over the run (at a constant 0.01, 10 epochs reached 97.48%).',
    datasets: {
      'fashion-mnist': {
        config: { optimizer: { method: 'adam', lr: 1e-3 } },
        source: 'On Fashion-MNIST, Adam lr 1e-3 on the cosine (momentum SGD over 10 epochs reached 85.74%).',
      },
    },
  },
  {
    key: 'surrogate-fa',
    rule: 'surrogate-fa',
    config: { ...ACCURACY_NET, rule: 'surrogate-fa', lrSchedule: 'cosine' },
    source: 'As surrogate-bp; the error reaches the hidden layer through a fixed random B.',
  },
  {
    key: 'eprop',
    rule: 'eprop',
    config: { ...ACCURACY_NET, rule: 'eprop', lrSchedule: 'cosine' },
    source: 'LIF hidden layer as surrogate-bp, a leaky readout (kappa = exp(-1/20)), symmetric feedback, the factorised update; momentum SGD lr 0.01 on the cosine schedule.',
  },
  {
    key: 'emstdp',
    rule: 'emstdp',
    config: { ...ACCURACY_NET, rule: 'emstdp', batchSize: 10 },
    source: 'Integrate-and-fire neurons with thresholds from fan-in (EMSTDP_main.py), symmetric error network, epsilon scaled to the phase window (3 at the code\'s T = 100, so 1 at T = 25), batch 10 as the code; lr 3e-3 (the code\'s ~1e-4 is for many epochs); T = 25 as the issue asks (the code uses 100).',
  },
  {
    key: 'bpstdp',
    rule: 'bpstdp',
    config: { ...ACCURACY_NET, rule: 'bpstdp' },
    source: 'IF neurons, threshold 1, eps 5, mu 5e-4, input and teacher at 250 Hz (the reimplementation\'s defaults); T = 25 as the issue asks (the code uses 50); updates summed over the window and batch.',
  },
  {
    key: 'tssl-bp',
    rule: 'tssl-bp',
    config: { hidden: [400, 400], steps: 5, batchSize: 100, seed: 1, rule: 'tssl-bp', optimizer: { method: 'adam', lr: 5e-4 }, lrSchedule: 'cosine' },
    source: "The official Fashion-MNIST MLP config (Networks/*.yaml): 784-400-400-10, T = 5, tau_m 5, tau_s 3, threshold 1, Adam lr 5e-4, batch 100; here the rate falls along a cosine over the run. Ten epochs fell short on both sets (MNIST 97.62%, 97.81% at a constant 5e-4; Fashion-MNIST 87.76%), so the reported runs are longer: 25 epochs on MNIST, 30 on Fashion-MNIST (the official runs train 100). The official AdamW's decay, gradient-norm clip 1 and weight clip ±4 are not applied.",
  },
];

export const SNN_PRESET_KEYS = SNN_PRESETS.map((p) => p.key);

/** Accuracy targets (lower bounds) of the issue, full sets; rules not built yet are listed as such. */
export const SNN_TARGETS: Record<string, Record<string, number>> = {
  mnist: { 'surrogate-bp': 0.975, 'surrogate-fa': 0.965, eprop: 0.96, emstdp: 0.95, bpstdp: 0.95, 'tssl-bp': 0.98 },
  'fashion-mnist': { 'surrogate-bp': 0.87, 'tssl-bp': 0.89 },
};

/** The throughput network of the issue: 784-1000-10 LIF, batch 64, T = 100. */
export const THROUGHPUT_NET: SpikingConfigInput = { hidden: [1000], steps: 100, encoder: 'poisson', batchSize: 64, seed: 1, rule: 'surrogate-bp' };
