// What switching a rate network's rule does to each layer's backward weights.
// B stays where the new rule uses the same kind of feedback (fa, wm, ia, sa,
// aa and kp share one); otherwise it becomes what a run of the new rule starts
// from with the same seed: seeded random (fa, dfa...), a buffer the step
// refills with kappa sign(W)^T (ss), or nothing (bp). B's gradient and
// moments exist only where the new rule trains B itself.
import type { GpuContext } from '../device/gpu-context';
import { initialParameters, type LayerInit } from '../layers/init';
import type { DenseLayer, RateNetwork } from '../layers/network';
import type { RuleSpec } from '../rules/rule';
import type { TrainConfig } from '../training/config';

type LayerFeedback = Pick<DenseLayer, 'B' | 'gB' | 'momentsB' | 'feedbackCols'>;

export interface FeedbackSwitchOptions {
  /** Draw B afresh even where the new rule could keep the current one. */
  reset: boolean;
  /** Whether the new rule gives B a gradient and optimiser state. */
  trainsB: boolean;
}

export class FeedbackSwitch {
  private constructor(
    private readonly net: RateNetwork,
    private readonly before: LayerFeedback[],
    private readonly after: LayerFeedback[],
  ) {}

  /** Allocates what the new rule needs (inside the caller's buffer group); changes nothing yet. */
  static plan(ctx: GpuContext, net: RateNetwork, from: RuleSpec, to: RuleSpec, config: TrainConfig, o: FeedbackSwitchOptions): FeedbackSwitch {
    const r = ctx.buffers;
    let init: LayerInit[] | null = null;
    // The new rule's initial B for this seed (W and B draw from separate streams, so W is not needed).
    const initialB = (i: number) => (init ??= initialParameters(net.sizes, config.activation, config.init, to.feedback, config.seed))[i].B!;
    const before = net.layers.map(({ B, gB, momentsB, feedbackCols }) => ({ B, gB, momentsB, feedbackCols }));
    const after = net.layers.map((layer, i): LayerFeedback => {
      const name = `layer${layer.index}`;
      const feedbackCols = to.feedback === 'direct' ? net.classes : layer.nOut;
      if (to.feedback === 'transpose') return { B: null, gB: null, momentsB: null, feedbackCols };
      const keep = !o.reset && layer.B !== null && from.feedback === to.feedback;
      const n = layer.nIn * feedbackCols;
      const B = keep ? layer.B! : to.feedback === 'sign' ? r.storage(`${name}.B`, n) : r.createWithData(`${name}.B`, initialB(i));
      if (!o.trainsB) return { B, gB: null, momentsB: null, feedbackCols };
      // B's moments go with the B they were accumulated for.
      if (keep && layer.gB) return { B, gB: layer.gB, momentsB: layer.momentsB, feedbackCols };
      return { B, gB: r.storage(`${name}.gB`, n), momentsB: r.storage(`${name}.momentsB`, 2 * n), feedbackCols };
    });
    return new FeedbackSwitch(net, before, after);
  }

  /** Puts the new buffers into the layers. */
  apply(): void {
    this.assign(this.after);
  }

  /** Puts the old buffers back (the new step failed to build). */
  revert(): void {
    this.assign(this.before);
  }

  /** Buffers the layers used before and no longer use after. */
  get dropped(): GPUBuffer[] {
    return unused(this.before, this.after);
  }

  /** Buffers allocated for the switch. */
  get added(): GPUBuffer[] {
    return unused(this.after, this.before);
  }

  private assign(list: LayerFeedback[]): void {
    this.net.layers.forEach((layer, i) => Object.assign(layer, list[i]));
  }
}

function buffersOf(list: LayerFeedback[]): Set<GPUBuffer> {
  const out = new Set<GPUBuffer>();
  for (const f of list) for (const b of [f.B, f.gB, f.momentsB]) if (b) out.add(b);
  return out;
}

/** Buffers in `a` that `b` does not hold. */
function unused(a: LayerFeedback[], b: LayerFeedback[]): GPUBuffer[] {
  const kept = buffersOf(b);
  return [...buffersOf(a)].filter((x) => !kept.has(x));
}
