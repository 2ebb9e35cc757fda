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
import matmulUpdatePaired from '../../shaders/matmul_update_paired.wgsl?raw';
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

const matmulUpdateSnippet = random + optimizerMath + matmulUpdate + matmulUpdateNoTwin + matmulOperands;
const matmulUpdateTwinSnippet = random + optimizerMath + matmulUpdate + matmulUpdateTwin + matmulOperands;
const matmulPairedSnippet = matmulOperandsPaired + matmulSecondOutput;
const matmulUpdatePairedSnippet = random + optimizerMath + matmulUpdate + matmulUpdateTwin + matmulOperandsPaired + matmulUpdatePaired;

export const SHADERS = {
  matmul: activations + matmulCommon + matmulOperands + matmulScalarOperands + matmul,
  matmulVec4: activations + matmulCommon + matmulOperands + matmulVec4,
  // Its `enable subgroups;` must open the module, so the snippets go after it
  // (WGSL's module-scope declarations may come in any order).
  matmulSubgroup: matmulSubgroup + activations + matmulCommon + matmulOperands,
  matmulTiled: activations + matmulCommon + matmulOperands + matmulScalarOperands + matmulTiled,
  matmulSplitk: activations + matmulCommon + matmulOperands + matmulScalarOperands + matmulSplitk,
  // Two products of one shape in one dispatch (matmul_operands_paired.wgsl, matmul_second_output.wgsl).
  matmulPaired: activations + matmulCommon + matmulPairedSnippet + matmulScalarOperands + matmul,
  matmulVec4Paired: activations + matmulCommon + matmulPairedSnippet + matmulVec4,
  matmulSubgroupPaired: matmulSubgroup + activations + matmulCommon + matmulPairedSnippet,
  matmulTiledPaired: activations + matmulCommon + matmulPairedSnippet + matmulScalarOperands + matmulTiled,
  matmulSplitkPaired: activations + matmulCommon + matmulPairedSnippet + matmulScalarOperands + matmulSplitk,
  // The same variants as fused weight updates: matmul_update.wgsl for matmul_common.wgsl.
  matmulUpdate: matmulUpdateSnippet + matmulScalarOperands + matmul,
  matmulVec4Update: matmulUpdateSnippet + matmulVec4,
  matmulSubgroupUpdate: matmulSubgroup + matmulUpdateSnippet,
  matmulTiledUpdate: matmulUpdateSnippet + matmulScalarOperands + matmulTiled,
  matmulSplitkUpdate: matmulUpdateSnippet + matmulScalarOperands + matmulSplitk,
  // ...with a trained B's own step beside W's (matmul_update_twin.wgsl).
  matmulUpdateTwin: matmulUpdateTwinSnippet + matmulScalarOperands + matmul,
  matmulVec4UpdateTwin: matmulUpdateTwinSnippet + matmulVec4,
  matmulSubgroupUpdateTwin: matmulSubgroup + matmulUpdateTwinSnippet,
  matmulTiledUpdateTwin: matmulUpdateTwinSnippet + matmulScalarOperands + matmulTiled,
  matmulSplitkUpdateTwin: matmulUpdateTwinSnippet + matmulScalarOperands + matmulSplitk,
  // ...and with B's step from a product of its own, in the same dispatch (matmul_operands_paired.wgsl).
  matmulUpdatePaired: matmulUpdatePairedSnippet + matmulScalarOperands + matmul,
  matmulVec4UpdatePaired: matmulUpdatePairedSnippet + matmulVec4,
  matmulSubgroupUpdatePaired: matmulSubgroup + matmulUpdatePairedSnippet,
  matmulTiledUpdatePaired: matmulUpdatePairedSnippet + matmulScalarOperands + matmulTiled,
  matmulSplitkUpdatePaired: matmulUpdatePairedSnippet + matmulScalarOperands + matmulSplitk,
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
