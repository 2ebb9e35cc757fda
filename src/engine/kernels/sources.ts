// WGSL sources, composed from shared snippets (WGSL has no #include).
import activations from '../../shaders/activations.wgsl?raw';
import random from '../../shaders/random.wgsl?raw';
import batchMetrics from '../../shaders/batch_metrics.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import matmulVec4 from '../../shaders/matmul_vec4.wgsl?raw';
import matmulSubgroup from '../../shaders/matmul_subgroup.wgsl?raw';
import matmulTiled from '../../shaders/matmul_tiled.wgsl?raw';
import matmulSplitk from '../../shaders/matmul_splitk.wgsl?raw';
import matmulCommon from '../../shaders/matmul_common.wgsl?raw';
import matmulUpdateTwin from '../../shaders/matmul_update_twin.wgsl?raw';
import matmulUpdateNoTwin from '../../shaders/matmul_update_no_twin.wgsl?raw';
import matmulScalarOperands from '../../shaders/matmul_scalar_operands.wgsl?raw';
import matmulOperands from '../../shaders/matmul_operands.wgsl?raw';
import matmulOperandsPaired from '../../shaders/matmul_operands_paired.wgsl?raw';
import matmulSecondOutput from '../../shaders/matmul_second_output.wgsl?raw';
import matmulOperandA2 from '../../shaders/matmul_operand_a2.wgsl?raw';
import matmulOperandA2PlusA3 from '../../shaders/matmul_operand_a2_plus_a3.wgsl?raw';
import matmulOperandB2 from '../../shaders/matmul_operand_b2.wgsl?raw';
import matmulOperandB2Shared from '../../shaders/matmul_operand_b2_shared.wgsl?raw';
import columnSum from '../../shaders/column_sum.wgsl?raw';
import outputLoss from '../../shaders/output_loss.wgsl?raw';
import gatherBatch from '../../shaders/gather_batch.wgsl?raw';
import optimizer from '../../shaders/optimizer.wgsl?raw';
import optimizerMath from '../../shaders/optimizer_math.wgsl?raw';
import matmulUpdate from '../../shaders/matmul_update.wgsl?raw';
import fillNoise from '../../shaders/fill_noise.wgsl?raw';
import transposeCombine from '../../shaders/transpose_combine.wgsl?raw';
import dotProducts from '../../shaders/dot_products.wgsl?raw';
import lifForward from '../../shaders/lif_forward.wgsl?raw';
import lifBackward from '../../shaders/lif_backward.wgsl?raw';
import spikeReadout from '../../shaders/spike_readout.wgsl?raw';
import spikeReadoutGrad from '../../shaders/spike_readout_grad.wgsl?raw';
import spikeEncode from '../../shaders/spike_encode.wgsl?raw';
import tsslForward from '../../shaders/tssl_forward.wgsl?raw';
import tsslBackward from '../../shaders/tssl_backward.wgsl?raw';
import tsslLoss from '../../shaders/tssl_loss.wgsl?raw';
import tsslPsp from '../../shaders/tssl_psp.wgsl?raw';
import spikeCompact from '../../shaders/spike_compact.wgsl?raw';
import spikePropagate from '../../shaders/spike_propagate.wgsl?raw';
import spikeRecord from '../../shaders/spike_record.wgsl?raw';
import layerHealth from '../../shaders/layer_health.wgsl?raw';
import epropReadout from '../../shaders/eprop_readout.wgsl?raw';
import epropFilter from '../../shaders/eprop_filter.wgsl?raw';
import epropPsi from '../../shaders/eprop_psi.wgsl?raw';
import epropFactor from '../../shaders/eprop_factor.wgsl?raw';
import epropOnline from '../../shaders/eprop_online.wgsl?raw';
import emstdpEncode from '../../shaders/emstdp_encode.wgsl?raw';
import emstdpWindow from '../../shaders/emstdp_window.wgsl?raw';
import emstdpUpdate from '../../shaders/emstdp_update.wgsl?raw';
import bpstdpForward from '../../shaders/bpstdp_forward.wgsl?raw';
import bpstdpError from '../../shaders/bpstdp_error.wgsl?raw';
import spikeCountMetrics from '../../shaders/spike_count_metrics.wgsl?raw';
import confusionMatrix from '../../shaders/confusion_matrix.wgsl?raw';

/** A matmul variant's own code: `head` must open the module (matmul_subgroup.wgsl's `enable`); `body` follows the snippets. */
export interface MatmulCode {
  head: string;
  body: string;
}

export const MATMUL_CODE = {
  scalar: { head: '', body: matmulScalarOperands + matmul },
  vec4: { head: '', body: matmulVec4 },
  subgroup: { head: matmulSubgroup, body: '' },
  tiled: { head: '', body: matmulScalarOperands + matmulTiled },
  splitk: { head: '', body: matmulScalarOperands + matmulSplitk },
} as const satisfies Record<string, MatmulCode>;

/**
 * What a module does with its variant's product: store it (`product`), store
 * two products of one shape (`paired`: matmul_operands_paired.wgsl,
 * matmul_second_output.wgsl), or step a parameter with it (matmul_update.wgsl),
 * alone, with a trained B's step beside (matmul_update_twin.wgsl), or with B's
 * step from a second product (`update-paired`).
 */
export type MatmulRole = 'product' | 'paired' | 'update' | 'update-twin' | 'update-paired';

/** A paired module's second operands: B2 is B itself (then not bound), and A3 adds to A2 (`update-paired` only). */
export interface SecondOperands {
  sharedB?: boolean;
  addend?: boolean;
}

/** One matmul module: the variant's code with the snippets its role needs (the pipeline name must say which). */
export function matmulModule(code: MatmulCode, role: MatmulRole, second: SecondOperands = {}): string {
  if (second.addend && role !== 'update-paired') throw new Error("only a paired update's second left operand takes an addend");
  const a2 = second.addend ? matmulOperandA2PlusA3 : matmulOperandA2;
  const b2 = second.sharedB ? matmulOperandB2Shared : matmulOperandB2;
  const update = random + optimizerMath + matmulUpdate;
  const snippets = {
    product: activations + matmulCommon + matmulOperands,
    paired: activations + matmulCommon + matmulOperandsPaired + a2 + b2 + matmulSecondOutput,
    update: update + matmulUpdateNoTwin + matmulOperands,
    'update-twin': update + matmulUpdateTwin + matmulOperands,
    'update-paired': update + matmulUpdateTwin + matmulOperandsPaired + a2 + b2,
  }[role];
  return code.head + snippets + code.body;
}

export const SHADERS = {
  columnSum,
  outputLoss: batchMetrics + outputLoss,
  gatherBatch,
  optimizer: random + optimizerMath + optimizer,
  fillNoise: random + fillNoise,
  transposeCombine,
  dotProducts,
  lifForward,
  lifBackward,
  spikeReadout,
  spikeReadoutGrad,
  spikeEncode: random + spikeEncode,
  tsslForward,
  tsslBackward,
  tsslLoss: batchMetrics + tsslLoss,
  tsslPsp,
  spikeCompact,
  spikePropagate,
  spikeRecord,
  layerHealth,
  epropReadout: batchMetrics + epropReadout,
  epropFilter,
  epropPsi,
  epropFactor,
  epropOnline,
  emstdpEncode: random + emstdpEncode,
  emstdpWindow,
  emstdpUpdate,
  bpstdpForward,
  bpstdpError: random + bpstdpError,
  spikeCountMetrics: batchMetrics + spikeCountMetrics,
  confusionMatrix,
} as const;
